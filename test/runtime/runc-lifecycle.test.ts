// The runc runtime's harder paths with real runc and conmon: OOM kill under a memory limit,
// SIGTERM-then-SIGKILL stop, re-adoption by a new runtime object (a kubelet restart), cgroup stats,
// port-forward into the sandbox, and exec through a terminal.
import assert from "node:assert/strict";
import { once } from "node:events";
import { after, before, test } from "node:test";
import type {
  ContainerConfig,
  ContainerStatus,
  PodSandboxConfig,
} from "../../src/kubelet/runtime/runtime.ts";
import { busyboxImage, openHarness, type RuncHarness } from "./runc-support.ts";

let h: RuncHarness;

before(async () => {
  h = await openHarness({ subnet: 12 });
});

after(async () => {
  const left = await h.teardown();
  assert.deepEqual(left, []);
});

function container(name: string, script: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image: busyboxImage },
    command: ["sh", "-c", script],
    logPath: `${name}.log`,
    ...extra,
  };
}

async function run(sandboxId: string, config: PodSandboxConfig, c: ContainerConfig): Promise<string> {
  const id = await h.runtime.createContainer(sandboxId, c, config);
  await h.runtime.startContainer(id);
  return id;
}

async function exited(id: string, timeoutMs = 20_000): Promise<ContainerStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await h.runtime.containerStatus(id);
    if (s.state === "CONTAINER_EXITED") return s;
    if (Date.now() > deadline) throw new Error(`container ${id} still ${s.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a container over its memory limit is OOMKilled with exit code 137", async () => {
  const { id: sandboxId, config } = await h.runSandbox("hog");
  const id = await run(
    sandboxId,
    config,
    container("hog", "exec dd if=/dev/zero of=/dev/null bs=64M count=1", {
      linux: { resources: { memoryLimitInBytes: 16 * 1024 * 1024, oomScoreAdj: -998 } },
    }),
  );
  const status = await exited(id);
  assert.deepEqual([status.exitCode, status.reason], [137, "OOMKilled"]);
  await h.runtime.removePodSandbox(sandboxId);
});

test("stop sends SIGTERM, and SIGKILL only after the timeout", async () => {
  const { id: sandboxId, config } = await h.runSandbox("stop");
  // sleep as pid 1 of its namespace has no handler, so the kernel ignores SIGTERM: only SIGKILL ends it.
  const stubborn = await run(sandboxId, config, container("stubborn", "exec sleep 3600"));
  const polite = await run(
    sandboxId,
    config,
    container("polite", "trap 'exit 3' TERM; while :; do sleep 0.1; done"),
  );
  await new Promise((r) => setTimeout(r, 300)); // let the shell install its trap
  const started = Date.now();
  await h.runtime.stopContainer(stubborn, 2);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 2000, `killed after ${elapsed} ms, before the 2 s timeout`);
  assert.equal((await h.runtime.containerStatus(stubborn)).exitCode, 137);
  await h.runtime.stopContainer(polite, 30);
  assert.equal((await h.runtime.containerStatus(polite)).exitCode, 3, "the SIGTERM handler ran");
  await h.runtime.stopContainer(polite, 30); // idempotent
  await h.runtime.removePodSandbox(sandboxId);
});

test("a new runtime object re-adopts running containers and sees exits that happened meanwhile", async () => {
  const { id: sandboxId, config } = await h.runSandbox("adopt");
  const long = await run(sandboxId, config, container("long", "exec sleep 3600"));
  const short = await run(sandboxId, config, container("short", "sleep 1; exit 5"));
  const runtime = await h.reopen();
  assert.equal(runtime, h.runtime);
  const listed = await runtime.listContainers({ id: long });
  assert.equal(listed[0]?.state, "CONTAINER_RUNNING");
  assert.equal((await runtime.podSandboxStatus(sandboxId)).state, "SANDBOX_READY");
  const echoed = await runtime.execSync(long, ["echo", "still here"], 10);
  assert.equal(echoed.stdout.toString(), "still here\n");
  const shortStatus = await exited(short);
  assert.equal(shortStatus.exitCode, 5);
  await runtime.stopContainer(long, 0);
  assert.equal((await runtime.containerStatus(long)).exitCode, 137);
  await runtime.removePodSandbox(sandboxId);
});

test("stats of a busy container are non-zero", async () => {
  const { id: sandboxId, config } = await h.runSandbox("busy");
  const id = await run(sandboxId, config, container("spin", "x=0; while :; do x=$((x+1)); done"));
  await new Promise((r) => setTimeout(r, 500));
  const [stats] = await h.runtime.listContainerStats({ id });
  assert.ok(stats);
  assert.ok(stats.cpuUsageCoreNanoSeconds > 0, "cpu");
  assert.ok(stats.memoryUsageBytes > 0, "memory");
  assert.ok(stats.memoryWorkingSetBytes > 0 && stats.memoryWorkingSetBytes <= stats.memoryUsageBytes);
  await h.runtime.removePodSandbox(sandboxId);
});

test("port-forward reaches a server on the sandbox's loopback; exec runs through a resizable terminal", async () => {
  const { id: sandboxId, config } = await h.runSandbox("pf");
  const id = await run(
    sandboxId,
    config,
    container(
      "srv",
      "mkdir /www && echo forwarded > /www/index.html && exec httpd -f -p 127.0.0.1:8081 -h /www",
    ),
  );
  let response = "";
  for (let attempt = 0; attempt < 50 && !response.includes("forwarded"); attempt++) {
    const stream = await h.runtime.portForward(sandboxId, 8081);
    const chunks: Buffer[] = [];
    stream.on("data", (d: Buffer) => chunks.push(d));
    stream.write("GET / HTTP/1.0\r\n\r\n");
    await once(stream, "end");
    stream.destroy();
    response = Buffer.concat(chunks).toString();
    if (!response) await new Promise((r) => setTimeout(r, 100));
  }
  assert.match(response, /^HTTP\/1\.[01] 200/);
  assert.match(response, /forwarded/);

  const session = await h.runtime.exec(id, {
    cmd: [
      "sh",
      "-c",
      'tty; for i in $(seq 100); do [ "$(stty size)" = "45 123" ] && break; sleep 0.1; done; stty size; echo in-a-tty',
    ],
    tty: true,
    stdin: false,
    stdout: true,
    stderr: true,
  });
  const out: Buffer[] = [];
  session.stdout?.on("data", (d: Buffer) => out.push(d));
  assert.equal(session.stderr, undefined);
  session.resize({ width: 123, height: 45 });
  assert.equal(await session.exitCode, 0);
  // A NUL byte sometimes precedes a line of the pty's output (seen once in CI as "^@45 123"; likely
  // `script` handing its stdin's immediate EOF to the pty): NULs are not part of what we check.
  const text = Buffer.concat(out).toString().replaceAll("\0", "");
  assert.match(text, /\/dev\/pts\/\d+/);
  assert.match(text, /^45 123\r?$/m, "the resize reached the container's terminal");
  assert.match(text, /in-a-tty/);

  const piped = await h.runtime.exec(id, {
    cmd: ["sh", "-c", "cat; exit 4"],
    tty: false,
    stdin: true,
    stdout: true,
    stderr: true,
  });
  const echoed: Buffer[] = [];
  piped.stdout?.on("data", (d: Buffer) => echoed.push(d));
  piped.stdin?.end("typed\n");
  assert.equal(await piped.exitCode, 4);
  assert.equal(Buffer.concat(echoed).toString(), "typed\n");
  await h.runtime.removePodSandbox(sandboxId);
});
