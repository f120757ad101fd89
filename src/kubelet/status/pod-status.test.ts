import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContainerStatus, Pod, PodSpec } from "kubernetes-types/core/v1.js";
import { buildPodStatus, podPhase } from "./pod-status.ts";

const running = (name: string, ready = true): ContainerStatus => ({
  name,
  image: "x",
  imageID: "",
  ready,
  restartCount: 0,
  state: { running: { startedAt: "2025-01-01T00:00:00Z" } },
});
const exited = (name: string, exitCode: number): ContainerStatus => ({
  name,
  image: "x",
  imageID: "",
  ready: false,
  restartCount: 0,
  state: { terminated: { exitCode, reason: exitCode === 0 ? "Completed" : "Error" } },
});
const backOff = (name: string, exitCode: number): ContainerStatus => ({
  ...exited(name, exitCode),
  state: { waiting: { reason: "CrashLoopBackOff" } },
  lastState: exited(name, exitCode).state ?? {},
});
const creating = (name: string): ContainerStatus => ({
  name,
  image: "x",
  imageID: "",
  ready: false,
  restartCount: 0,
  state: { waiting: { reason: "ContainerCreating" } },
});

const spec = (restartPolicy: string, names = ["a"]): PodSpec => ({
  restartPolicy,
  containers: names.map((name) => ({ name, image: "x" })),
});

test("phase follows the kubelet's getPhase for each restart policy", () => {
  assert.equal(podPhase(spec("Always"), [], [creating("a")], false), "Pending");
  assert.equal(podPhase(spec("Always"), [], [running("a")], false), "Running");
  assert.equal(podPhase(spec("Always"), [], [exited("a", 0)], false), "Running");
  assert.equal(podPhase(spec("Always"), [], [backOff("a", 1)], false), "Running");
  assert.equal(podPhase(spec("Never"), [], [exited("a", 0)], false), "Succeeded");
  assert.equal(podPhase(spec("Never"), [], [exited("a", 3)], false), "Failed");
  assert.equal(podPhase(spec("OnFailure"), [], [exited("a", 3)], false), "Running");
  assert.equal(podPhase(spec("OnFailure"), [], [exited("a", 0)], false), "Succeeded");
  assert.equal(podPhase(spec("Never", ["a", "b"]), [], [exited("a", 0), running("b")], false), "Running");
  assert.equal(podPhase(spec("Always"), [], [], false), "Pending");
  // Deleted: no restart whatever the policy; killed containers fail the pod.
  assert.equal(podPhase(spec("Always"), [], [exited("a", 137)], true), "Failed");
  assert.equal(podPhase(spec("Always"), [], [exited("a", 0)], true), "Succeeded");
});

test("init containers keep the pod Pending until they complete; a failed one fails a Never pod", () => {
  const withInit: PodSpec = { ...spec("Never"), initContainers: [{ name: "i", image: "x" }] };
  assert.equal(podPhase(withInit, [running("i")], [creating("a")], false), "Pending");
  assert.equal(podPhase(withInit, [exited("i", 0)], [running("a")], false), "Running");
  assert.equal(podPhase(withInit, [exited("i", 1)], [creating("a")], false), "Failed");
});

function pod(podSpec: PodSpec, status: Pod["status"] = { phase: "Pending", qosClass: "BestEffort" }): Pod {
  return { metadata: { name: "p", namespace: "default", uid: "u" }, spec: podSpec, status };
}

const input = {
  hostIP: "10.192.0.1",
  podIP: "10.64.0.2",
  sandboxReady: true,
  startTime: "2025-01-01T00:00:00Z",
  initContainerStatuses: [],
  terminal: false,
  now: "2025-01-01T00:00:05Z",
};

function condition(status: ReturnType<typeof buildPodStatus>, type: string) {
  return status.conditions?.find((c) => c.type === type);
}

test("a running, ready pod: all kubelet conditions True, IPs, start time, qosClass kept", () => {
  const s = buildPodStatus({ ...input, pod: pod(spec("Always")), containerStatuses: [running("a")] });
  assert.equal(s.phase, "Running");
  assert.deepEqual(
    s.conditions?.map((c) => [c.type, c.status]),
    [
      ["PodReadyToStartContainers", "True"],
      ["Initialized", "True"],
      ["Ready", "True"],
      ["ContainersReady", "True"],
      ["PodScheduled", "True"],
    ],
  );
  assert.equal(s.podIP, "10.64.0.2");
  assert.deepEqual(s.podIPs, [{ ip: "10.64.0.2" }]);
  assert.deepEqual(s.hostIPs, [{ ip: "10.192.0.1" }]);
  assert.equal(s.startTime, "2025-01-01T00:00:00Z");
  assert.equal(s.qosClass, "BestEffort");
});

test("unready containers are named in Ready and ContainersReady", () => {
  const s = buildPodStatus({
    ...input,
    pod: pod(spec("Always", ["a", "b"])),
    containerStatuses: [running("a", false), running("b", false)],
  });
  assert.deepEqual(condition(s, "Ready"), {
    type: "Ready",
    status: "False",
    reason: "ContainersNotReady",
    message: "containers with unready status: [a b]",
    lastTransitionTime: input.now,
  });
});

test("terminal pods report PodCompleted / PodFailed", () => {
  const done = buildPodStatus({ ...input, pod: pod(spec("Never")), containerStatuses: [exited("a", 0)] });
  assert.equal(done.phase, "Succeeded");
  assert.equal(condition(done, "Ready")?.reason, "PodCompleted");
  assert.equal(condition(done, "Initialized")?.reason, "PodCompleted");
  const failed = buildPodStatus({ ...input, pod: pod(spec("Never")), containerStatuses: [exited("a", 1)] });
  assert.equal(failed.phase, "Failed");
  assert.equal(condition(failed, "ContainersReady")?.reason, "PodFailed");
});

test("transition times survive unchanged conditions; other owners' conditions are kept", () => {
  const old = {
    phase: "Running",
    conditions: [
      { type: "DisruptionTarget", status: "True", lastTransitionTime: "2024-12-31T00:00:00Z" },
      { type: "Ready", status: "True", lastTransitionTime: "2024-12-31T00:00:01Z" },
      { type: "ContainersReady", status: "False", lastTransitionTime: "2024-12-31T00:00:02Z" },
    ],
  };
  const s = buildPodStatus({ ...input, pod: pod(spec("Always"), old), containerStatuses: [running("a")] });
  assert.equal(condition(s, "DisruptionTarget")?.lastTransitionTime, "2024-12-31T00:00:00Z");
  assert.equal(condition(s, "Ready")?.lastTransitionTime, "2024-12-31T00:00:01Z");
  assert.equal(condition(s, "ContainersReady")?.lastTransitionTime, input.now);
});

test("readiness gates hold Ready at False until their condition is True", () => {
  const gated: PodSpec = { ...spec("Always"), readinessGates: [{ conditionType: "example.com/lb" }] };
  const missing = buildPodStatus({ ...input, pod: pod(gated), containerStatuses: [running("a")] });
  assert.equal(condition(missing, "Ready")?.reason, "ReadinessGatesNotReady");
  assert.equal(
    condition(missing, "Ready")?.message,
    'corresponding condition of pod readiness gate "example.com/lb" does not exist.',
  );
  assert.equal(condition(missing, "ContainersReady")?.status, "True");
  const withGate = pod(gated, { conditions: [{ type: "example.com/lb", status: "True" }] });
  const ok = buildPodStatus({ ...input, pod: withGate, containerStatuses: [running("a")] });
  assert.equal(condition(ok, "Ready")?.status, "True");
});

test("host-network pods report the host IP as pod IP", () => {
  const s = buildPodStatus({
    ...input,
    pod: pod({ ...spec("Always"), hostNetwork: true }),
    containerStatuses: [running("a")],
  });
  assert.equal(s.podIP, "10.192.0.1");
});
