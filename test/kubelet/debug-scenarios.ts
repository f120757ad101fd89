// Scenarios for the node agent's later features, shared by the containerd and runc runs of
// agent-debug.test.ts: ephemeral containers through `kubectl debug`, container log rotation,
// attach with stdin.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
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

/** The agent flags the rotation scenario needs (a small max size so a test fills it quickly). */
export const rotationArgs = ["--container-log-max-size", "16Ki", "--container-log-max-files", "3"];

const lineNumber = (text: string): number => Number(/line-(\d+)-/.exec(text)?.[1] ?? Number.NaN);

/**
 * A container writing ~25 kB/s: its CRI log file is rotated at 16Ki (renamed, the runtime
 * reopens it), the older rotated file is gzip-compressed and at most 3 files are kept;
 * `kubectl logs` reads the current file and `--previous` the last attempt's after a restart.
 */
export async function checkLogRotation(c: NodeCluster): Promise<void> {
  await c.apply(
    pod(
      "rot",
      `  containers:
  - name: w
    image: ${busybox}
    command: ["sh", "-c", "trap 'exit 3' TERM; i=0; pad=$(printf '%080d' 0); while true; do i=$((i+1)); echo line-$i-$pad; if [ $((i % 200)) = 0 ]; then sleep 1; fi; done"]`,
    ),
  );
  let p = await c.waitPod("rot", running, "the writer running");
  const m = p.metadata ?? {};
  const dir = join(c.dataDir, "pods-logs", `${m.namespace}_${m.name}_${m.uid}`, "w");
  const files = (): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);
  const deadline = Date.now() + 90_000;
  while (!(files().some((f) => f.endsWith(".gz")) && files().some((f) => /^0\.log\.\d{8}-\d{6}$/.test(f)))) {
    if (Date.now() > deadline) throw new Error(`no rotation: ${files().join(" ")}\n${c.agent.log}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const listed = files();
  assert.ok(listed.length <= 3, listed.join(" "));
  assert.ok(listed.includes("0.log"), listed.join(" "));
  const rotated = listed.find((f) => /^0\.log\.\d{8}-\d{6}$/.test(f)) ?? "";
  assert.ok(statSync(join(dir, rotated)).size >= 16 * 1024);
  const gz = listed.find((f) => f.endsWith(".gz")) ?? "";
  assert.match(gunzipSync(readFileSync(join(dir, gz))).toString("utf8"), /stdout F line-\d+-0+/);
  // The current file continues where the rotated one ended: kubectl logs reads it.
  const lastRotated = lineNumber(readFileSync(join(dir, rotated), "utf8").trimEnd().split("\n").at(-1) ?? "");
  // Right after a rotation the new current file may still be empty: read again until it has a line.
  let tail = "";
  for (let i = 0; i < 50 && !(lineNumber(tail) > 0); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 100));
    tail = await c.kubectl("logs", "rot", "--tail=1");
  }
  assert.ok(lineNumber(tail) > lastRotated, `${tail} after ${lastRotated}`);
  // A restart: --previous reads the first attempt's current file.
  await c.kubectl("exec", "rot", "--", "kill", "1");
  p = await c.waitPod(
    "rot",
    (x) => (x.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 && running(x),
    "the writer restarted",
  );
  assert.equal(p.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 3);
  const previous = await c.kubectl("logs", "rot", "--previous", "--tail=1");
  assert.ok(lineNumber(previous) > lastRotated, previous);
  assert.match(await c.kubectl("logs", "rot", "--tail=1"), /line-\d+-/);
}

/**
 * `kubectl attach -i`: what kubectl reads on its stdin reaches the container's stdin (on runc
 * through the container's stdin pipe), and the container's answers come back on stdout.
 */
export async function checkAttachStdin(c: NodeCluster): Promise<void> {
  await c.apply(
    pod(
      "att",
      `  restartPolicy: Never
  containers:
  - name: echo
    image: ${busybox}
    stdin: true
    command: ["sh", "-c", "echo ready; while read line; do echo got:$line; if [ \\"$line\\" = quit ]; then exit 0; fi; done"]`,
    ),
  );
  await c.waitPod("att", (x) => running(x) && c.logs(x, "echo").includes("ready"), "the reader running");
  const k = c.server.client("1.32");
  const r = await k.run(["attach", "-i", "att", "-c", "echo"], { input: "hello\nquit\n", timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /got:hello\n/);
  const p = await c.waitPod(
    "att",
    (x) => x.status?.containerStatuses?.[0]?.state?.terminated !== undefined,
    "the reader finished after quit",
  );
  assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  assert.match(await c.kubectl("logs", "att"), /got:hello\ngot:quit/);
}

/**
 * stdinOnce: when the first attached client closes stdin, the container's stdin sees end-of-file
 * (CRI closes it; on runc conmon is told to close its end of the pipe).
 */
export async function checkAttachStdinOnce(c: NodeCluster): Promise<void> {
  await c.apply(
    pod(
      "att-once",
      `  restartPolicy: Never
  containers:
  - name: cat
    image: ${busybox}
    stdin: true
    stdinOnce: true
    command: ["sh", "-c", "echo ready; while read line; do echo got:$line; done; echo end-of-stdin"]`,
    ),
  );
  await c.waitPod("att-once", (x) => running(x) && c.logs(x, "cat").includes("ready"), "the reader running");
  const k = c.server.client("1.32");
  // No "quit": only the end of kubectl's stdin can end the container's loop.
  const r = await k.run(["attach", "-i", "att-once", "-c", "cat"], { input: "once\n", timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const p = await c.waitPod(
    "att-once",
    (x) => x.status?.containerStatuses?.[0]?.state?.terminated !== undefined,
    "the reader saw end-of-file and exited",
  );
  assert.equal(p.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 0);
  assert.match(await c.kubectl("logs", "att-once"), /got:once\nend-of-stdin/);
}
