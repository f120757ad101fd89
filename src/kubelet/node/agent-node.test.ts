import assert from "node:assert/strict";
import { test } from "node:test";
import { buildAgentNode, conditionsChanged, healthConditions, nodeConditionsAt } from "./agent-node.ts";

const healthy = {
  memoryAvailableBytes: 1024 ** 3,
  diskAvailableBytes: 50,
  diskCapacityBytes: 100,
  pidsInUse: 100,
  pidMax: 32768,
};

test("conditions: healthy node is Ready; a runtime without network is NotReady with why", () => {
  const ok = healthConditions({ runtime: { runtimeReady: true, networkReady: true }, pressure: healthy });
  assert.deepEqual(
    ok.map((c) => `${c.type}=${c.status}`),
    ["MemoryPressure=False", "DiskPressure=False", "PIDPressure=False", "Ready=True"],
  );
  const bad = healthConditions({
    runtime: { runtimeReady: true, networkReady: false, message: "no CNI config" },
    pressure: { ...healthy, memoryAvailableBytes: 1, diskAvailableBytes: 5, pidsInUse: 32000 },
  });
  assert.deepEqual(
    bad.map((c) => `${c.type}=${c.status}`),
    ["MemoryPressure=True", "DiskPressure=True", "PIDPressure=True", "Ready=False"],
  );
  assert.match(
    bad[3]?.message ?? "",
    /NetworkReady=false reason:NetworkPluginNotReady message:no CNI config/,
  );
});

test("transition times are kept while a status holds; heartbeat-only changes are not changes", () => {
  const gen = healthConditions({ runtime: { runtimeReady: true, networkReady: true }, pressure: healthy });
  const first = nodeConditionsAt(gen, undefined, Date.UTC(2025, 0, 1));
  const later = nodeConditionsAt(gen, first, Date.UTC(2025, 0, 1, 0, 1));
  assert.equal(later[3]?.lastTransitionTime, first[3]?.lastTransitionTime);
  assert.notEqual(later[3]?.lastHeartbeatTime, first[3]?.lastHeartbeatTime);
  assert.equal(conditionsChanged(first, later), false);
});

test("capacity and allocatable: memory in Ki minus the 100Mi eviction reserve, storage minus 10%", () => {
  const node = buildAgentNode(
    {
      name: "n",
      capacity: { cpu: 2, memoryBytes: 2 * 1024 ** 3, ephemeralStorageBytes: 1000 * 1024, pods: 110 },
      info: {
        hostname: "h",
        internalIP: "10.0.0.5",
        kernelVersion: "6.1",
        osImage: "Debian",
        machineID: "m",
        systemUUID: "u",
        bootID: "b",
      },
      runtimeVersion: "containerd://1.6.20",
    },
    [],
  );
  assert.equal(node.status?.capacity?.memory, "2097152Ki");
  assert.equal(node.status?.allocatable?.memory, `${2097152 - 102400}Ki`);
  assert.equal(node.status?.allocatable?.["ephemeral-storage"], "921600");
  assert.equal(node.status?.nodeInfo?.containerRuntimeVersion, "containerd://1.6.20");
  assert.deepEqual(node.status?.addresses, [
    { type: "InternalIP", address: "10.0.0.5" },
    { type: "Hostname", address: "h" },
  ]);
});
