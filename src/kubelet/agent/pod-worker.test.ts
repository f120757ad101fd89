import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { exitCodeAnnotation, runSecondsAnnotation } from "../runtime/fake/fake-runtime.ts";
import { testPod, WorkerHarness } from "./harness.test-support.ts";

const ok = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 0, timedOut: false };
const bad = { ...ok, exitCode: 1, stderr: Buffer.from("not ready") };

test("a pod runs: sandbox, container, status with IPs, conditions and start time", async () => {
  const h = new WorkerHarness(testPod({}));
  try {
    const s = await h.sync();
    assert.equal(s?.phase, "Running");
    assert.match(s?.podIP ?? "", /^10\.1\.0\.\d+$/);
    assert.deepEqual(s?.podIPs, [{ ip: s?.podIP }]);
    assert.equal(s?.hostIP, "192.168.0.10");
    assert.equal(s?.qosClass, "BestEffort");
    assert.ok(s?.startTime);
    for (const c of ["PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready", "PodScheduled"])
      assert.equal(h.condition(c), "True", c);
    const cs = h.containerStatus("c");
    assert.ok(cs?.state?.running);
    assert.equal(cs?.restartCount, 0);
    assert.match(cs?.containerID ?? "", /^fake:\/\//);
    const patches = h.patches.length;
    await h.sync();
    assert.equal(h.patches.length, patches, "an unchanged status is not patched again");
    const [sandbox] = await h.runtime.listPodSandboxes();
    assert.equal(sandbox?.labels["io.kubernetes.pod.uid"], "uid-1");
  } finally {
    await h.close();
  }
});

test("init containers run one at a time, in order, before the containers", async () => {
  const h = new WorkerHarness(
    testPod(
      {
        initContainers: [
          { name: "init1", image: "busybox:1.36" },
          { name: "init2", image: "busybox:1.36" },
        ],
      },
      { [`${runSecondsAnnotation}.init1`]: "1", [`${runSecondsAnnotation}.init2`]: "1" },
    ),
  );
  const created: string[] = [];
  h.runtime.onContainerEvent((e) => {
    if (e.type !== "CONTAINER_CREATED_EVENT") return;
    void h.runtime.containerStatus(e.containerId).then((c) => created.push(c.metadata.name));
  });
  try {
    let s = await h.sync();
    await h.advance(0);
    assert.deepEqual(created, ["init1"]);
    assert.equal(s?.phase, "Pending");
    assert.equal(h.condition("Initialized"), "False");
    assert.equal(h.containerStatus("c")?.state?.waiting?.reason, "PodInitializing");
    await h.advance(1000);
    await h.sync();
    assert.deepEqual(created, ["init1", "init2"]);
    await h.advance(1000);
    s = await h.sync();
    assert.deepEqual(created, ["init1", "init2", "c"]);
    assert.equal(s?.phase, "Running");
    assert.equal(h.condition("Initialized"), "True");
    assert.equal(h.containerStatus("init1")?.state?.terminated?.reason, "Completed");
  } finally {
    await h.close();
  }
});

test("a crashing container restarts at once, then waits in CrashLoopBackOff 10 s, then 20 s", async () => {
  const h = new WorkerHarness(testPod({}, { [runSecondsAnnotation]: "1", [exitCodeAnnotation]: "3" }));
  try {
    await h.sync();
    await h.advance(1000);
    let s = await h.sync();
    let c = h.containerStatus("c");
    assert.equal(c?.restartCount, 1, "the first restart is immediate");
    assert.equal(c?.lastState?.terminated?.exitCode, 3);
    assert.ok(c?.state?.running);
    await h.advance(1000);
    s = await h.sync();
    c = h.containerStatus("c");
    assert.equal(c?.state?.waiting?.reason, "CrashLoopBackOff");
    assert.match(
      c?.state?.waiting?.message ?? "",
      /^back-off 10s restarting failed container=c pod=p_default\(uid-1\)/,
    );
    assert.equal(c?.lastState?.terminated?.exitCode, 3);
    assert.equal(h.condition("Ready"), "False");
    assert.equal(s?.phase, "Running");
    const wake = h.wakes.at(-1) ?? 0;
    assert.equal(wake - h.clock.now(), 10_000);
    await h.advance(9_999);
    await h.sync();
    assert.equal(h.containerStatus("c")?.restartCount, 1, "still backing off");
    await h.advance(1);
    await h.sync();
    assert.equal(h.containerStatus("c")?.restartCount, 2);
    await h.advance(1000);
    await h.sync();
    assert.match(h.containerStatus("c")?.state?.waiting?.message ?? "", /^back-off 20s/);
    assert.ok(h.events.some((e) => e.startsWith("BackOff: Back-off restarting failed container")));
  } finally {
    await h.close();
  }
});

test("restartPolicy Never: a container that exits 0 makes the pod Succeeded; OnFailure restarts a failure", async () => {
  const h = new WorkerHarness(testPod({ restartPolicy: "Never" }, { [runSecondsAnnotation]: "1" }));
  try {
    await h.sync();
    // What the container would write to /dev/termination-log becomes the terminated message.
    writeFileSync(join(h.dir, "pods", "uid-1", "containers", "c", "0"), "all done");
    await h.advance(1000);
    const s = await h.sync();
    assert.equal(s?.phase, "Succeeded");
    const c = h.containerStatus("c");
    assert.equal(c?.state?.terminated?.message, "all done");
    assert.equal(c?.state?.terminated?.exitCode, 0);
    assert.equal(c?.state?.terminated?.reason, "Completed");
    assert.equal(c?.restartCount, 0);
    const [sandbox] = await h.runtime.listPodSandboxes();
    assert.equal(sandbox?.state, "SANDBOX_NOTREADY", "a finished pod's sandbox is stopped");
  } finally {
    await h.close();
  }
  const f = new WorkerHarness(
    testPod({ restartPolicy: "OnFailure" }, { [runSecondsAnnotation]: "1", [exitCodeAnnotation]: "1" }),
  );
  try {
    await f.sync();
    await f.advance(1000);
    const s = await f.sync();
    assert.equal(s?.phase, "Running");
    assert.equal(f.containerStatus("c")?.restartCount, 1);
  } finally {
    await f.close();
  }
});

test("a readiness probe flips Ready; a failing liveness probe restarts the container", async () => {
  let ready = true;
  let alive = true;
  const h = new WorkerHarness(
    testPod({
      containers: [
        {
          name: "c",
          image: "busybox:1.36",
          readinessProbe: { exec: { command: ["ready"] }, periodSeconds: 1, failureThreshold: 2 },
          livenessProbe: {
            exec: { command: ["alive"] },
            periodSeconds: 1,
            failureThreshold: 1,
            initialDelaySeconds: 5,
          },
        },
      ],
    }),
  );
  h.runtime.setExecHandler((_c, cmd) => ((cmd[0] === "ready" ? ready : alive) ? ok : bad));
  try {
    await h.sync();
    assert.equal(h.condition("Ready"), "False", "not ready before the first readiness success");
    assert.equal(h.containerStatus("c")?.ready, false);
    await h.advance(0);
    assert.ok(h.changed.has(h.key), "the prober asks for a sync");
    await h.sync();
    assert.equal(h.condition("Ready"), "True");
    assert.equal(h.containerStatus("c")?.ready, true);
    ready = false;
    await h.advance(1000);
    await h.sync();
    assert.equal(h.condition("Ready"), "True", "one failure is below failureThreshold 2");
    await h.advance(1000);
    await h.sync();
    assert.equal(h.condition("Ready"), "False");
    assert.equal(h.condition("ContainersReady"), "False");
    alive = false;
    await h.advance(3000);
    await h.sync();
    const c = h.containerStatus("c");
    assert.equal(c?.restartCount, 1);
    assert.equal(c?.lastState?.terminated?.exitCode, 137);
    assert.ok(h.events.some((e) => e.startsWith("Killing: Container c failed liveness probe")));
  } finally {
    await h.close();
  }
});

test("deletion: preStop, then stop, then the sandbox; the final status and the DELETE follow", async () => {
  const h = new WorkerHarness(
    testPod({
      terminationGracePeriodSeconds: 20,
      containers: [
        { name: "c", image: "busybox:1.36", lifecycle: { preStop: { exec: { command: ["bye"] } } } },
      ],
    }),
  );
  const order: string[] = [];
  h.runtime.setExecHandler((_c, cmd) => {
    order.push(`exec ${cmd.join(" ")}`);
    return ok;
  });
  const rt = h.runtime;
  const stopContainer = rt.stopContainer.bind(rt);
  rt.stopContainer = async (id, timeout) => {
    order.push(`stopContainer timeout=${timeout}`);
    return stopContainer(id, timeout);
  };
  const stopSandbox = rt.stopPodSandbox.bind(rt);
  rt.stopPodSandbox = async (id) => {
    order.push("stopPodSandbox");
    return stopSandbox(id);
  };
  try {
    await h.sync();
    h.pod = {
      ...h.pod,
      metadata: {
        ...h.pod.metadata,
        deletionTimestamp: "2025-01-01T00:00:00Z",
        deletionGracePeriodSeconds: 20,
      },
    };
    await h.sync();
    // (The fake's removePodSandbox stops the sandbox again through the same method: ignore the tail.)
    assert.deepEqual(order.slice(0, 3), ["exec bye", "stopContainer timeout=20", "stopPodSandbox"]);
    assert.equal(h.pod.status?.phase, "Failed", "killed by the deletion: exit 137");
    assert.equal(h.containerStatus("c")?.state?.terminated?.exitCode, 137);
    assert.deepEqual(h.deletes, ["p"]);
    assert.deepEqual(await h.runtime.listPodSandboxes(), [], "sandbox and containers removed");
  } finally {
    await h.close();
  }
});

test("image policy Never, pull failures and a missing ConfigMap give their waiting reasons", async () => {
  const h = new WorkerHarness(
    testPod({
      containers: [
        { name: "never", image: "absent:1", imagePullPolicy: "Never" },
        { name: "fails", image: "broken:1" },
        {
          name: "cfg",
          image: "busybox:1.36",
          env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "missing", key: "k" } } }],
        },
      ],
    }),
  );
  h.runtime.images.failing.set("broken:1", "connection refused");
  try {
    await h.sync();
    assert.equal(h.containerStatus("never")?.state?.waiting?.reason, "ErrImageNeverPull");
    assert.equal(h.containerStatus("fails")?.state?.waiting?.reason, "ErrImagePull");
    assert.match(h.containerStatus("fails")?.state?.waiting?.message ?? "", /connection refused/);
    assert.equal(h.containerStatus("cfg")?.state?.waiting?.reason, "CreateContainerConfigError");
    assert.equal(h.containerStatus("cfg")?.state?.waiting?.message, 'configmap "missing" not found');
    assert.equal(h.pod.status?.phase, "Pending");
    await h.sync();
    assert.equal(h.containerStatus("fails")?.state?.waiting?.reason, "ImagePullBackOff");
    h.configMaps.push({ metadata: { name: "missing", namespace: "default" }, data: { k: "v" } });
    await h.sync();
    assert.ok(h.containerStatus("cfg")?.state?.running, "the ConfigMap appeared: the container runs");
  } finally {
    await h.close();
  }
});

test("a new worker re-adopts what the runtime runs: nothing is recreated", async () => {
  const h = new WorkerHarness(testPod({}));
  try {
    await h.sync();
    const before = await h.runtime.listContainers();
    const status = h.pod.status;
    h.worker.close();
    // A second worker on the same runtime (the agent restarted): same sandbox, same container.
    const again = new WorkerHarness(h.pod);
    Object.assign(again, { runtime: h.runtime });
    await h.worker.sync(h.key, h.pod);
    assert.deepEqual(
      (await h.runtime.listContainers()).map((c) => c.id),
      before.map((c) => c.id),
    );
    assert.deepEqual(h.pod.status, status);
    await again.close();
  } finally {
    await h.close();
  }
});
