// The agent on a real containerd, driven by real kubectl 1.32: node registration, pods sharing a
// network namespace, a completed Job-like pod, configMap/secret/downwardAPI values, liveness
// restarts, readiness gating Ready, runAsUser, a static pod's mirror, and kill -9 of the agent
// (containers keep running; the restarted agent re-adopts them). The host is left clean.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import * as s from "./agent-scenarios.ts";
import { type NodeCluster, startNodeCluster } from "./agent-support.ts";

let c: NodeCluster;

before(async () => {
  c = await startNodeCluster({ index: 1, runtime: "containerd" });
  await s.createScenarioPods(c);
});

after(async () => {
  const left = await c.teardown();
  assert.deepEqual(left, [], "the host keeps no bridge, pod cgroup or mount");
});

test("the node registers Ready with host capacity, nodeInfo and a lease", () => s.checkNode(c, "containerd"));
test("two containers share the pod's IP and reach each other on localhost", () => s.checkPair(c));
test("a Job-like pod completes with exit code 0", () => s.checkJob(c));
test("a Service name resolves through cluster DNS and its ClusterIP reaches the pod", () =>
  s.checkServicesAndDns(c));
test("kubectl logs, exec and port-forward reach the container through the kubelet server", () =>
  s.checkStreaming(c));
test("configMap, secret and downwardAPI values are visible inside the container; emptyDir Memory is tmpfs", () =>
  s.checkValues(c));
test("a failing liveness probe restarts the container", () => s.checkLiveness(c));
test("a readiness probe gates Ready", () => s.checkReadiness(c));
test("runAsUser and runAsGroup show in id", () => s.checkWhoami(c));
test("fsGroup owns the volumes and is a supplementary group", () => s.checkFsGroup(c));
test("runAsNonRoot refuses an image that runs as root", () => s.checkRunAsNonRoot(c));
test("a static pod from the manifest dir appears as a mirror pod", () => s.checkStaticPod(c));
test("kill -9 of the agent leaves containers running; a restarted agent re-adopts them", () =>
  s.checkKill9(c));
