// Scenarios for the node agent's later features, shared by the containerd and runc runs of
// agent-debug.test.ts: ephemeral containers through `kubectl debug`, container log rotation,
// attach with stdin.
import assert from "node:assert/strict";
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1.js";
import { busybox, type NodeCluster } from "./agent-support.ts";

const pod = (name: string, spec: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 1
${spec}
`;

const ephemeralStatus = (p: Pod, name: string): ContainerStatus | undefined =>
  p.status?.ephemeralContainerStatuses?.find((s) => s.name === name);

const running = (p: Pod): boolean => p.status?.phase === "Running";

/**
 * `kubectl debug` adds an ephemeral container through pods/ephemeralcontainers; the kubelet runs
 * it once in the pod's sandbox (with --target in the target's pid namespace), reports its status
 * and serves its logs; a second one without a target sees only its own processes.
 */
export async function checkDebug(c: NodeCluster): Promise<void> {
  await c.apply(
    pod(
      "dbg",
      `  containers:
  - name: app
    image: ${busybox}
    command: ["sh", "-c", "echo app-up; exec sleep 3600"]`,
    ),
  );
  await c.waitPod("dbg", running, "the target pod running");
  const out = await c.kubectl(
    "debug",
    "pod/dbg",
    `--image=${busybox}`,
    "-c",
    "dbg1",
    "--target=app",
    "--",
    "sh",
    "-c",
    "echo hi-from-debug; hostname; ps",
  );
  assert.doesNotMatch(out, /error/i);
  const p = await c.waitPod(
    "dbg",
    (x) => ephemeralStatus(x, "dbg1")?.state?.terminated !== undefined,
    "the ephemeral container ran",
  );
  const st = ephemeralStatus(p, "dbg1");
  assert.equal(st?.state?.terminated?.exitCode, 0);
  assert.equal(st?.ready, false);
  assert.equal(p.spec?.ephemeralContainers?.[0]?.targetContainerName, "app");
  const logs = await c.kubectl("logs", "dbg", "-c", "dbg1");
  assert.match(logs, /hi-from-debug/);
  assert.match(logs, /^dbg$/m, "the sandbox's hostname");
  assert.match(logs, /sleep 3600/, "the target's process is visible in the shared pid namespace");
  // Without a target the container has its own pid namespace (the pod does not share one).
  await c.kubectl("debug", "pod/dbg", `--image=${busybox}`, "-c", "dbg2", "--", "sh", "-c", "ps; echo done");
  await c.waitPod(
    "dbg",
    (x) => ephemeralStatus(x, "dbg2")?.state?.terminated !== undefined,
    "the second ephemeral container ran",
  );
  const own = await c.kubectl("logs", "dbg", "-c", "dbg2");
  assert.match(own, /done/);
  assert.doesNotMatch(own, /sleep 3600/);
  // The app container kept running and was not restarted; the ephemeral ones are not rerun.
  const after = await c.pod("dbg");
  assert.equal(after.status?.containerStatuses?.[0]?.restartCount, 0);
  assert.ok(after.status?.containerStatuses?.[0]?.state?.running);
  assert.equal(after.status?.ephemeralContainerStatuses?.length, 2);
  // Existing ephemeral containers cannot be removed.
  const r = await c.server.kubectl([
    "patch",
    "pod",
    "dbg",
    "--subresource=ephemeralcontainers",
    "--type=json",
    "-p",
    '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]',
  ]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /may not be removed/);
}
