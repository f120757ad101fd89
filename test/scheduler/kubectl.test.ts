// `skiff server` runs the scheduler embedded; real kubectl 1.32 shows its decisions: the node a
// pod was bound to, and for a pod that fits nowhere the PodScheduled condition and the
// FailedScheduling event with the per-node reasons in `kubectl describe pod`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer();

const manifests = `
apiVersion: v1
kind: Node
metadata: {name: worker-1, labels: {kubernetes.io/hostname: worker-1}}
status:
  capacity: {cpu: "2", memory: 4Gi, pods: "110"}
  allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
---
apiVersion: v1
kind: Node
metadata: {name: worker-2, labels: {kubernetes.io/hostname: worker-2}}
spec:
  taints: [{key: dedicated, value: infra, effect: NoSchedule}]
status:
  capacity: {cpu: "8", memory: 4Gi, pods: "110"}
  allocatable: {cpu: "8", memory: 4Gi, pods: "110"}
---
apiVersion: v1
kind: Pod
metadata: {name: small}
spec:
  containers: [{name: c, image: busybox, resources: {requests: {cpu: 500m}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers: [{name: c, image: busybox, resources: {requests: {cpu: "4"}}}]
`;

before(async () => {
  // No controller manager: these nodes have no kubelet, and node lifecycle would taint them
  // unreachable after its grace period on a slow machine.
  // No controllers also means no default ServiceAccount: pods are admitted without the plugin.
  await server.start(["--disable-controller-manager", "--disable-admission-plugins", "ServiceAccount"]);
});

after(async () => {
  await server.stop();
});

async function until(what: string, f: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("kubectl shows where a pod was bound and why another stays Pending", async () => {
  const k = server.client("1.32");
  const applied = await k.run(["apply", "-f", "-"], { input: manifests });
  assert.equal(applied.code, 0, applied.stderr);
  await until(
    "small bound",
    async () => (await k.ok("get", "pod", "small", "-o", "jsonpath={.spec.nodeName}")) === "worker-1",
  );
  const wide = await k.ok("get", "pod", "small", "-o", "wide");
  assert.match(wide, /small\s+0\/1\s+Pending\s+0\s+\S+\s+<none>\s+worker-1/);
  await until("huge marked unschedulable", async () =>
    (await k.ok("get", "pod", "huge", "-o", "jsonpath={.status.conditions[0].reason}")).includes(
      "Unschedulable",
    ),
  );
  const expected =
    "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: infra}. preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.";
  let describe = "";
  await until("FailedScheduling event", async () => {
    describe = await k.ok("describe", "pod", "huge");
    return describe.includes("FailedScheduling");
  });
  assert.match(describe, /PodScheduled\s+False/);
  assert.match(describe, /Warning\s+FailedScheduling\s+.*\s+default-scheduler\s+0\/2 nodes are available/);
  assert.ok(describe.replace(/\s+/g, " ").includes(expected), describe);
  const small = await k.ok("describe", "pod", "small");
  assert.match(
    small,
    /Normal\s+Scheduled\s+.*\s+default-scheduler\s+Successfully assigned default\/small to worker-1/,
  );
});
