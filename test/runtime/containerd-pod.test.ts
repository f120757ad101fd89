// The containerd runtime against a real containerd: one pod of two busybox containers sharing an IP
// and localhost, logs, execSync, exec/attach/port-forward streams, stats, an OOM kill, a hostPort
// through portmap, containerd killed -9 and restarted, and nothing left on the host afterwards.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import type { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { openContainerdRuntime } from "../../src/kubelet/runtime/containerd/open.ts";
import {
  type ContainerConfig,
  type ContainerEvent,
  type PodSandboxConfig,
  RuntimeNotFoundError,
} from "../../src/kubelet/runtime/runtime.ts";
import { busyboxImage, hostRun, openTestRuntime, type TestRuntime } from "./containerd-harness.ts";

let t: TestRuntime;
let podConfig: PodSandboxConfig;
let podId = "";
let serverId = "";
let clientId = "";

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function readAll(stream: Readable | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!stream) return resolve("");
    let text = "";
    stream.on("data", (d: Buffer) => {
      text += d.toString();
    });
    stream.once("end", () => resolve(text));
    stream.once("error", reject);
  });
}

function container(name: string, command: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image: busyboxImage },
    command,
    logPath: `${name}/0.log`,
    ...extra,
  };
}

async function runContainer(
  sandboxId: string,
  config: ContainerConfig,
  sandbox: PodSandboxConfig,
): Promise<string> {
  const id = await t.runtime.createContainer(sandboxId, config, sandbox);
  await t.runtime.startContainer(id);
  return id;
}

const httpServer = [
  "sh",
  "-c",
  "mkdir -p /www && echo hello-from-server > /www/index.html && echo serving && exec httpd -f -p 8080 -h /www",
];

before(async () => {
  t = await openTestRuntime({ bridge: "skc1", subnet: "10.201.1.0/24" });
  podConfig = t.sandboxConfig("pair");
  podId = await t.runtime.runPodSandbox(podConfig);
  serverId = await runContainer(podId, container("server", httpServer), podConfig);
  clientId = await runContainer(podId, container("client", ["sleep", "3600"]), podConfig);
});

after(async () => {
  if (!t) return;
  const left = await t.teardown();
  assert.deepEqual(left, [], "the host keeps nothing of the test");
});

test("two containers of one sandbox share its IP and reach each other on localhost", async () => {
  const sandbox = await t.runtime.podSandboxStatus(podId);
  assert.equal(sandbox.state, "SANDBOX_READY");
  assert.match(sandbox.network.ip, /^10\.201\.1\.\d+$/);
  for (const id of [serverId, clientId]) {
    const r = await t.runtime.execSync(id, ["ip", "-4", "-o", "addr", "show", "eth0"], 5);
    assert.equal(r.exitCode, 0);
    assert.ok(r.stdout.toString().includes(`${sandbox.network.ip}/`), r.stdout.toString());
  }
  const body = await waitFor("the server to answer", async () => {
    const r = await t.runtime.execSync(clientId, ["wget", "-qO-", "http://127.0.0.1:8080/"], 5);
    return r.exitCode === 0 ? r.stdout.toString() : undefined;
  });
  assert.equal(body, "hello-from-server\n");
  const hostname = await t.runtime.execSync(clientId, ["hostname"], 5);
  assert.equal(hostname.stdout.toString().trim(), "pair");
});

test("container logs are written in the CRI format at the absolute logPath", async () => {
  const status = await t.runtime.containerStatus(serverId);
  assert.equal(status.logPath, `${podConfig.logDirectory}/server/0.log`);
  assert.equal(status.podSandboxId, podId);
  const log = await waitFor("the log line", async () => {
    const text = existsSync(status.logPath ?? "") ? readFileSync(status.logPath ?? "", "utf8") : "";
    return text.includes("serving") ? text : undefined;
  });
  assert.match(log, /^\d{4}-\d\d-\d\dT\S+ stdout F serving$/m);
});

test("execSync returns stdout, stderr and the exit code", async () => {
  const r = await t.runtime.execSync(clientId, ["sh", "-c", "echo out; echo err >&2; exit 3"], 5);
  assert.deepEqual(
    { stdout: r.stdout.toString(), stderr: r.stderr.toString(), exitCode: r.exitCode, timedOut: r.timedOut },
    { stdout: "out\n", stderr: "err\n", exitCode: 3, timedOut: false },
  );
});

test("execSync reports a command outliving its timeout as timed out", async () => {
  const r = await t.runtime.execSync(clientId, ["sleep", "30"], 1);
  assert.equal(r.timedOut, true);
  const ps = await t.runtime.execSync(clientId, ["ps", "-o", "args"], 5);
  assert.equal(ps.stdout.toString().includes("sleep 30"), false, "the timed-out command was killed");
});

test("exec without a tty pipes stdin to EOF and reports the exit code", async () => {
  const session = await t.runtime.exec(clientId, {
    cmd: ["sh", "-c", "cat; echo done >&2; exit 4"],
    tty: false,
    stdin: true,
    stdout: true,
    stderr: true,
  });
  const out = readAll(session.stdout);
  const err = readAll(session.stderr);
  session.stdin?.end("piped input\n");
  assert.equal(await session.exitCode, 4);
  assert.equal(await out, "piped input\n");
  assert.equal(await err, "done\n");
});

test("exec with a tty runs on a terminal and can be resized", async () => {
  const session = await t.runtime.exec(clientId, {
    cmd: ["sh"],
    tty: true,
    stdin: true,
    stdout: true,
    stderr: false,
  });
  assert.equal(session.stderr, undefined);
  const out = readAll(session.stdout);
  session.resize({ width: 91, height: 33 });
  await new Promise((r) => setTimeout(r, 200));
  session.stdin?.write("tty; stty size; exit 7\n");
  assert.equal(await session.exitCode, 7);
  const text = await out;
  assert.match(text, /\/dev\/pts\/\d+/);
  assert.match(text, /33 91/);
});

test("port-forward connects to a port inside the sandbox's network namespace", async () => {
  const socket = await t.runtime.portForward(podId, 8080);
  const reply = readAll(socket);
  socket.end("GET / HTTP/1.0\r\n\r\n");
  const text = await reply;
  assert.match(text, /^HTTP\/1\.[01] 200/);
  assert.ok(text.endsWith("hello-from-server\n"));
});

test("attach reaches the main process of a container started with stdin and tty", async () => {
  const id = await runContainer(podId, container("console", ["sh"], { stdin: true, tty: true }), podConfig);
  const session = await t.runtime.attach(id, { stdin: true, stdout: true, stderr: false, tty: true });
  let text = "";
  session.stdout?.on("data", (d: Buffer) => {
    text += d.toString();
  });
  session.stdin?.write("echo attached-$((6*7))\n");
  await waitFor(
    "the attached shell's answer",
    async () => (text.includes("attached-42") ? true : undefined),
    10_000,
  );
  session.close();
  await t.runtime.stopContainer(id, 0);
  await t.runtime.removeContainer(id);
});

test("listContainerStats reports cpu and memory of running containers", async () => {
  const stats = await t.runtime.listContainerStats({ podSandboxId: podId });
  const server = stats.find((s) => s.containerId === serverId);
  assert.ok(server, "server has stats");
  assert.equal(server.podSandboxId, podId);
  assert.ok(server.memoryWorkingSetBytes > 0);
  assert.ok(server.cpuUsageCoreNanoSeconds > 0);
});

test("a container over its memory limit is OOMKilled with exit code 137", async () => {
  const config = container("hog", ["dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1"], {
    linux: { resources: { memoryLimitInBytes: 32 * 1024 * 1024, oomScoreAdj: -998 } },
  });
  const id = await runContainer(podId, config, podConfig);
  const status = await waitFor("the hog to exit", async () => {
    const s = await t.runtime.containerStatus(id);
    return s.state === "CONTAINER_EXITED" ? s : undefined;
  });
  assert.equal(status.reason, "OOMKilled");
  assert.equal(status.exitCode, 137);
  await t.runtime.removeContainer(id);
});

test("a hostPort is reachable on 127.0.0.1 through portmap", async () => {
  const hostPort = 20_000 + Math.floor(Math.random() * 20_000);
  const config = t.sandboxConfig("web", {
    portMappings: [{ protocol: "TCP", containerPort: 8080, hostPort, hostIp: "127.0.0.1" }],
  });
  const sandboxId = await t.runtime.runPodSandbox(config);
  await runContainer(sandboxId, container("server", httpServer), config);
  const text = await waitFor("the hostPort to answer", async () => {
    const socket = connect({ host: "127.0.0.1", port: hostPort });
    socket.once("connect", () => socket.end("GET / HTTP/1.0\r\n\r\n"));
    socket.on("error", () => {});
    const reply = await Promise.race([
      readAll(socket),
      new Promise<string>((r) => setTimeout(() => r(""), 2000)),
    ]);
    socket.destroy();
    return reply.includes("hello-from-server") ? reply : undefined;
  });
  assert.match(text, /^HTTP\/1\.[01] 200/);
  const netns = await t.netnsPath(sandboxId);
  assert.ok(existsSync(netns), `netns ${netns} exists while the sandbox runs`);
  await t.runtime.stopPodSandbox(sandboxId);
  await t.runtime.removePodSandbox(sandboxId);
  assert.equal(
    existsSync(`/sys/fs/cgroup/memory${config.linux?.cgroupParent}`),
    false,
    "pod cgroup parent removed",
  );
  assert.equal(existsSync(netns), false, "netns removed");
  const rules = hostRun("iptables-save", []);
  assert.equal(
    rules.includes(`dport ${hostPort}`) || rules.includes(`:${hostPort}`),
    false,
    "portmap rules removed",
  );
});

test("exit codes, reasons, runAsUser, pids limit and a stop that has to kill", async () => {
  const failing = await runContainer(podId, container("failing", ["sh", "-c", "exit 3"]), podConfig);
  const done = await waitFor("the failing container to exit", async () => {
    const s = await t.runtime.containerStatus(failing);
    return s.state === "CONTAINER_EXITED" ? s : undefined;
  });
  assert.deepEqual({ exitCode: done.exitCode, reason: done.reason }, { exitCode: 3, reason: "Error" });
  assert.ok(done.finishedAt >= done.startedAt && done.startedAt > 0);
  await t.runtime.removeContainer(failing);

  const limited = await runContainer(
    podId,
    container("limited", ["sh", "-c", "trap '' TERM; touch /tmp/trapped; while :; do sleep 1; done"], {
      linux: { resources: { pidsLimit: 20 }, securityContext: { runAsUser: 1234, runAsGroup: 2345 } },
    }),
    podConfig,
  );
  const id = await t.runtime.execSync(limited, ["id"], 5);
  assert.match(id.stdout.toString(), /uid=1234 gid=2345/);
  const pids = await t.runtime.execSync(limited, ["cat", "/sys/fs/cgroup/pids/pids.max"], 5);
  assert.equal(pids.stdout.toString().trim(), "20");
  // SIGTERM must find the trap in place, or sh dies of it (143) instead of being killed (137).
  await waitFor("the TERM trap", async () =>
    (await t.runtime.execSync(limited, ["test", "-f", "/tmp/trapped"], 5)).exitCode === 0 ? true : undefined,
  );
  await t.runtime.stopContainer(limited, 1);
  const killed = await t.runtime.containerStatus(limited);
  assert.equal(killed.state, "CONTAINER_EXITED");
  assert.equal(killed.exitCode, 137, "SIGTERM ignored, SIGKILL after the timeout");
  await t.runtime.removeContainer(limited);
  await assert.rejects(t.runtime.containerStatus(limited), RuntimeNotFoundError);
  // Stop and remove are idempotent.
  await t.runtime.stopContainer(limited, 0);
  await t.runtime.removeContainer(limited);
});

test("container events are reported from containerd's state changes", async () => {
  const events: ContainerEvent[] = [];
  const unsubscribe = t.runtime.onContainerEvent((e) => events.push(e));
  try {
    // The first poll reports what exists; wait for it so the new container's events stand out.
    await waitFor("the first poll", async () => (events.length > 0 ? true : undefined));
    const id = await runContainer(podId, container("short", ["sh", "-c", "sleep 1"]), podConfig);
    await waitFor("the stopped event", async () =>
      events.some((e) => e.containerId === id && e.type === "CONTAINER_STOPPED_EVENT") ? true : undefined,
    );
    await t.runtime.removeContainer(id);
    await waitFor("the deleted event", async () =>
      events.some((e) => e.containerId === id && e.type === "CONTAINER_DELETED_EVENT") ? true : undefined,
    );
    const mine = events.filter((e) => e.containerId === id);
    assert.equal(mine[0]?.type, "CONTAINER_CREATED_EVENT");
    assert.ok(mine.every((e) => e.podSandboxId === podId));
  } finally {
    unsubscribe();
  }
});

test("an existing CRI socket can be used without supervision (--container-runtime-endpoint)", async () => {
  const other = await openContainerdRuntime({ endpoint: `unix://${t.supervisor.socket}` });
  assert.equal(other.supervisor, undefined);
  const sandboxes = await other.listPodSandboxes({ id: podId });
  assert.equal(sandboxes[0]?.network.ip, (await t.runtime.podSandboxStatus(podId)).network.ip);
  await other.close();
  assert.equal(
    (await t.runtime.version()).runtimeName,
    "containerd",
    "closing the unsupervised runtime leaves containerd running",
  );
});

test("containerd stopped and started again finds its containers still running", async () => {
  await t.supervisor.stop();
  const r = hostRun("runc", ["--root", `${t.supervisor.layout.runcRoot}/k8s.io`, "list", "-q"]);
  assert.ok(r.includes(serverId), "the shim kept the container while containerd was down");
  await t.supervisor.start();
  const server = await t.runtime.containerStatus(serverId);
  assert.equal(server.state, "CONTAINER_RUNNING");
});

test("containerd killed -9 is restarted and the running containers are still there", async () => {
  const pid = t.supervisor.pid;
  assert.ok(pid);
  const restartsBefore = t.supervisor.restarts;
  process.kill(pid, "SIGKILL");
  await waitFor("containerd to restart", async () =>
    t.supervisor.restarts > restartsBefore ? true : undefined,
  );
  await t.supervisor.ready();
  const running = await t.runtime.listContainers({ podSandboxId: podId, state: "CONTAINER_RUNNING" });
  assert.deepEqual(running.map((c) => c.id).sort(), [serverId, clientId].sort());
  const r = await t.runtime.execSync(clientId, ["wget", "-qO-", "http://127.0.0.1:8080/"], 5);
  assert.equal(r.stdout.toString(), "hello-from-server\n");
});
