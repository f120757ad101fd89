import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContainerStatus, PodSandboxStatus } from "../runtime/runtime.ts";
import { FakeRuntimeStatsProvider } from "./runtime-provider.ts";

const sandbox = (id: string, uid: string): PodSandboxStatus => ({
  id,
  metadata: { name: `pod-${uid}`, namespace: "default", uid, attempt: 0 },
  state: "SANDBOX_READY",
  createdAt: 0,
  network: { ip: "", additionalIps: [] },
  labels: {},
  annotations: {},
});

const container = (id: string, sandboxId: string, name: string): ContainerStatus => ({
  id,
  podSandboxId: sandboxId,
  metadata: { name, attempt: 0 },
  state: "CONTAINER_RUNNING",
  createdAt: 0,
  startedAt: 0,
  finishedAt: 0,
  exitCode: 0,
  image: { image: "busybox" },
  imageRef: "",
  reason: "",
  message: "",
  labels: {},
  annotations: {},
});

test("the runtime's sandboxes are matched to the kubelet's pods by uid", async () => {
  const provider = new FakeRuntimeStatsProvider({
    nodeName: "n1",
    now: () => 1000,
    runtime: {
      listPodSandboxes: async () => [sandbox("s1", "u1"), sandbox("s2", "unknown")],
      listContainers: async () => [container("c1", "s1", "web"), container("c2", "s2", "x")],
    },
    pods: () => [
      {
        metadata: {
          name: "web",
          namespace: "default",
          uid: "u1",
          annotations: { "skiff.dev/hollow-usage": "cpu=100m" },
        },
        spec: { containers: [{ name: "web" }] },
      },
    ],
  });
  const s = await provider.summary();
  assert.equal(s.node.nodeName, "n1");
  assert.deepEqual(
    s.pods.map((p) => p.podRef),
    [{ name: "web", namespace: "default", uid: "u1" }],
  );
  assert.equal(s.pods[0]?.containers[0]?.cpu?.usageNanoCores, 100_000_000);
  // Running since 0 at 100m: 0.1 s of CPU after 1 s.
  assert.equal(s.pods[0]?.containers[0]?.cpu?.usageCoreNanoSeconds, 100_000_000);
});
