import assert from "node:assert/strict";
import { test } from "node:test";
import { ManualClock } from "../../clock.ts";
import type { ContainerEvent, PodSandboxConfig } from "../runtime.ts";
import { RuntimeNotFoundError } from "../runtime.ts";
import { exitCodeAnnotation, FakeRuntime, killedExitCode, runSecondsAnnotation } from "./fake-runtime.ts";
import { PodIpAllocator, parseIpv4Cidr } from "./ipam.ts";

function setup() {
  const clock = new ManualClock();
  const ipam = new PodIpAllocator(parseIpv4Cidr("10.64.3.0/24"));
  const runtime = new FakeRuntime({ clock, ipam });
  const events: ContainerEvent[] = [];
  runtime.onContainerEvent((e) => events.push(e));
  return { clock, ipam, runtime, events };
}

const sandbox = (annotations: Record<string, string> = {}): PodSandboxConfig => ({
  metadata: { name: "p", namespace: "default", uid: "u1", attempt: 0 },
  annotations,
});

test("a sandbox gets an IP from the pod CIDR and gives it back when stopped", async () => {
  const { runtime, ipam } = setup();
  const id = await runtime.runPodSandbox(sandbox());
  const status = await runtime.podSandboxStatus(id);
  assert.equal(status.network.ip, "10.64.3.2");
  assert.equal(status.state, "SANDBOX_READY");
  assert.equal(ipam.allocated, 1);
  await runtime.stopPodSandbox(id);
  assert.equal((await runtime.podSandboxStatus(id)).state, "SANDBOX_NOTREADY");
  assert.equal(ipam.allocated, 0);
  await runtime.removePodSandbox(id);
  await assert.rejects(runtime.podSandboxStatus(id), RuntimeNotFoundError);
  assert.deepEqual(await runtime.listPodSandboxes(), []);
});

test("a container without run-seconds runs until stopped, then is killed", async () => {
  const { runtime, clock, events } = setup();
  const sb = await runtime.runPodSandbox(sandbox());
  const cid = await runtime.createContainer(
    sb,
    { metadata: { name: "c", attempt: 0 }, image: { image: "busybox:1.36" } },
    sandbox(),
  );
  assert.equal((await runtime.containerStatus(cid)).state, "CONTAINER_CREATED");
  await runtime.startContainer(cid);
  clock.advance(3_600_000);
  const running = await runtime.containerStatus(cid);
  assert.equal(running.state, "CONTAINER_RUNNING");
  assert.match(running.imageRef, /^busybox@sha256:[0-9a-f]{64}$/);
  await runtime.stopContainer(cid, 30);
  const stopped = await runtime.containerStatus(cid);
  assert.equal(stopped.state, "CONTAINER_EXITED");
  assert.equal(stopped.exitCode, killedExitCode);
  assert.equal(stopped.finishedAt, clock.now());
  assert.deepEqual(
    events.map((e) => e.type),
    ["CONTAINER_CREATED_EVENT", "CONTAINER_STARTED_EVENT", "CONTAINER_STOPPED_EVENT"],
  );
});

test("run-seconds and exit-code from the pod annotations end the container by itself", async () => {
  const { runtime, clock } = setup();
  const config = sandbox({ [runSecondsAnnotation]: "2.5", [exitCodeAnnotation]: "3" });
  const sb = await runtime.runPodSandbox(config);
  const cid = await runtime.createContainer(
    sb,
    { metadata: { name: "c", attempt: 0 }, image: { image: "x" } },
    config,
  );
  await runtime.startContainer(cid);
  const started = clock.now();
  clock.advance(2_499);
  assert.equal((await runtime.containerStatus(cid)).state, "CONTAINER_RUNNING");
  clock.advance(1);
  const exited = await runtime.containerStatus(cid);
  assert.equal(exited.state, "CONTAINER_EXITED");
  assert.equal(exited.exitCode, 3);
  assert.equal(exited.reason, "Error");
  assert.equal(exited.finishedAt - exited.startedAt, 2_500);
  assert.equal(exited.startedAt, started);
});

test("a container annotation overrides the pod's (init containers that finish at once)", async () => {
  const { runtime, clock } = setup();
  const config = sandbox({ [runSecondsAnnotation]: "60", [exitCodeAnnotation]: "1" });
  const sb = await runtime.runPodSandbox(config);
  const cid = await runtime.createContainer(
    sb,
    {
      metadata: { name: "init", attempt: 0 },
      image: { image: "x" },
      annotations: { [runSecondsAnnotation]: "0", [exitCodeAnnotation]: "0" },
    },
    config,
  );
  await runtime.startContainer(cid);
  clock.advance(0);
  const s = await runtime.containerStatus(cid);
  assert.equal(s.state, "CONTAINER_EXITED");
  assert.equal(s.exitCode, 0);
  assert.equal(s.reason, "Completed");
});

test("containers cannot start twice, nor be created in a stopped sandbox", async () => {
  const { runtime } = setup();
  const sb = await runtime.runPodSandbox(sandbox());
  const cid = await runtime.createContainer(
    sb,
    { metadata: { name: "c", attempt: 0 }, image: { image: "x" } },
    sandbox(),
  );
  await runtime.startContainer(cid);
  await assert.rejects(runtime.startContainer(cid), /not created/);
  await runtime.stopPodSandbox(sb);
  assert.equal((await runtime.listContainers({ state: "CONTAINER_EXITED" })).length, 1);
  await assert.rejects(
    runtime.createContainer(sb, { metadata: { name: "d", attempt: 0 }, image: { image: "x" } }, sandbox()),
    /not ready/,
  );
  await runtime.removePodSandbox(sb);
  assert.deepEqual(await runtime.listContainers(), []);
});
