import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContainerStatus as RuntimeContainerStatus } from "../runtime/runtime.ts";
import { apiContainerStatus, rfc3339 } from "./container-status.ts";

const t0 = Date.UTC(2025, 0, 1, 12, 0, 0);

function runtimeStatus(over: Partial<RuntimeContainerStatus>): RuntimeContainerStatus {
  return {
    id: "abc",
    podSandboxId: "sb",
    metadata: { name: "c", attempt: 0 },
    state: "CONTAINER_RUNNING",
    createdAt: t0,
    startedAt: t0,
    finishedAt: 0,
    exitCode: 0,
    image: { image: "busybox" },
    imageRef: "busybox@sha256:00",
    reason: "",
    message: "",
    labels: {},
    annotations: {},
    ...over,
  };
}

const base = { spec: { name: "c", image: "busybox" }, restartCount: 0, runtimeName: "fake", readyDelayMs: 0 };

test("timestamps are RFC 3339 at second precision", () => {
  assert.equal(rfc3339(t0 + 999), "2025-01-01T12:00:00Z");
});

test("a container not yet created waits in ContainerCreating", () => {
  const s = apiContainerStatus({ ...base, now: t0 });
  assert.deepEqual(s.state, { waiting: { reason: "ContainerCreating" } });
  assert.equal(s.ready, false);
  assert.equal(s.started, false);
  assert.equal(s.containerID, undefined);
});

test("a running container is ready after the readiness delay", () => {
  const cur = runtimeStatus({});
  const early = apiContainerStatus({ ...base, current: cur, readyDelayMs: 5000, now: t0 + 4999 });
  assert.deepEqual(early.state, { running: { startedAt: "2025-01-01T12:00:00Z" } });
  assert.equal(early.ready, false);
  assert.equal(early.started, true);
  assert.equal(early.containerID, "fake://abc");
  assert.equal(apiContainerStatus({ ...base, current: cur, readyDelayMs: 5000, now: t0 + 5000 }).ready, true);
});

test("an exited container is terminated with Completed or Error; the previous attempt is lastState", () => {
  const failed = runtimeStatus({
    state: "CONTAINER_EXITED",
    finishedAt: t0 + 2000,
    exitCode: 2,
    reason: "Error",
  });
  const s = apiContainerStatus({ ...base, current: failed, now: t0 + 3000 });
  assert.equal(s.state?.terminated?.reason, "Error");
  assert.equal(s.state?.terminated?.exitCode, 2);
  assert.equal(s.state?.terminated?.finishedAt, "2025-01-01T12:00:02Z");
  const restarted = apiContainerStatus({
    ...base,
    current: runtimeStatus({ id: "def", startedAt: t0 + 2000 }),
    previous: failed,
    restartCount: 1,
    now: t0 + 3000,
  });
  assert.equal(restarted.restartCount, 1);
  assert.equal(restarted.lastState?.terminated?.exitCode, 2);
  assert.ok(restarted.state?.running);
});

test("a container in back-off waits in CrashLoopBackOff with its last termination", () => {
  const exited = runtimeStatus({
    state: "CONTAINER_EXITED",
    finishedAt: t0 + 1000,
    exitCode: 1,
    reason: "Error",
  });
  const s = apiContainerStatus({
    ...base,
    current: exited,
    restartCount: 1,
    backOffMessage: "back-off 10s",
    now: t0,
  });
  assert.deepEqual(s.state, { waiting: { reason: "CrashLoopBackOff", message: "back-off 10s" } });
  assert.equal(s.lastState?.terminated?.exitCode, 1);
  assert.equal(s.started, false);
});
