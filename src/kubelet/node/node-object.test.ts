import assert from "node:assert/strict";
import { test } from "node:test";
import { buildNode, labelsForIndex, nodeConditions, parseLabels, parseTaints } from "./node-object.ts";

const spec = {
  name: "hollow-node-7",
  podCIDR: "10.64.7.0/24",
  internalIP: "10.192.0.8",
  resources: { cpu: "4", memory: "16Gi", pods: "110", ephemeralStorage: "100Gi" },
  labels: { "topology.kubernetes.io/zone": "zone-1" },
  taints: [{ key: "dedicated", value: "sim", effect: "NoSchedule" }],
  runtimeVersion: "fake://0.1.0",
};

test("a hollow node registers capacity, labels, taints, CIDR, addresses and node info", () => {
  const now = Date.UTC(2025, 0, 1);
  const node = buildNode(spec, now);
  assert.equal(node.metadata?.labels?.["kubernetes.io/hostname"], "hollow-node-7");
  assert.equal(node.metadata?.labels?.["kubernetes.io/os"], "linux");
  assert.equal(node.metadata?.labels?.["topology.kubernetes.io/zone"], "zone-1");
  assert.deepEqual(node.spec?.podCIDRs, ["10.64.7.0/24"]);
  assert.deepEqual(node.spec?.taints, spec.taints);
  assert.equal(node.status?.capacity?.pods, "110");
  assert.equal(node.status?.allocatable?.memory, "16Gi");
  assert.deepEqual(node.status?.addresses?.[0], { type: "InternalIP", address: "10.192.0.8" });
  assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, "fake://0.1.0");
  assert.match(
    node.status?.nodeInfo?.systemUUID ?? "",
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  );
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  assert.equal(ready?.status, "True");
  assert.equal(ready?.lastHeartbeatTime, "2025-01-01T00:00:00Z");
});

test("conditions carry the heartbeat and the first transition time", () => {
  const c = nodeConditions(Date.UTC(2025, 0, 1, 0, 5), Date.UTC(2025, 0, 1));
  assert.deepEqual(
    c.map((x) => [x.type, x.status]),
    [
      ["MemoryPressure", "False"],
      ["DiskPressure", "False"],
      ["PIDPressure", "False"],
      ["Ready", "True"],
    ],
  );
  assert.equal(c[3]?.lastHeartbeatTime, "2025-01-01T00:05:00Z");
  assert.equal(c[3]?.lastTransitionTime, "2025-01-01T00:00:00Z");
});

test("label and taint flags parse like kubectl's, with per-node index templates", () => {
  assert.deepEqual(parseLabels("a=1, zone=zone-{i%3}"), { a: "1", zone: "zone-{i%3}" });
  assert.throws(() => parseLabels("novalue"), /key=value/);
  assert.deepEqual(labelsForIndex({ zone: "zone-{i%3}", n: "n{i}" }, 7), { zone: "zone-1", n: "n7" });
  assert.deepEqual(parseTaints("a=b:NoSchedule,c:NoExecute"), [
    { key: "a", value: "b", effect: "NoSchedule" },
    { key: "c", effect: "NoExecute" },
  ]);
  assert.throws(() => parseTaints("a=b:Sometimes"), /NoSchedule/);
});
