// The runc runtime with real runc, conmon and CNI: a pod of two containers sharing one IP and
// reaching each other on localhost, exit codes and CRI logs, execSync, and a clean host afterwards.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { ContainerConfig } from "../../src/kubelet/runtime/runtime.ts";
import { busyboxImage, openHarness, type RuncHarness } from "./runc-support.ts";

let h: RuncHarness;

before(async () => {
  h = await openHarness({ subnet: 11 });
});

after(async () => {
  const left = await h.teardown();
  assert.deepEqual(left, []);
});

function container(name: string, args: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    metadata: { name, attempt: 0 },
    image: { image: busyboxImage },
    command: ["sh", "-c"],
    args,
    logPath: `${name}/0.log`,
    ...extra,
  };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("two containers of one sandbox share its IP and reach each other on localhost", async () => {
  const { id: sandboxId, config } = await h.runSandbox("web");
  const sandbox = await h.runtime.podSandboxStatus(sandboxId);
  assert.equal(sandbox.state, "SANDBOX_READY");
  assert.match(sandbox.network.ip, /^10\.202\.\d+\.\d+$/);

  const server = await h.runtime.createContainer(
    sandboxId,
    container("server", [
      "mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -p 8080 -h /www",
    ]),
    config,
  );
  await h.runtime.startContainer(server);
  const client = await h.runtime.createContainer(sandboxId, container("client", ["exec sleep 3600"]), config);
  await h.runtime.startContainer(client);

  const body = await waitFor("the server to answer on localhost", async () => {
    const r = await h.runtime.execSync(
      client,
      ["sh", "-c", "timeout 3 wget -qO- http://127.0.0.1:8080/"],
      10,
    );
    return r.exitCode === 0 ? r.stdout.toString() : undefined;
  });
  assert.equal(body.trim(), "hello-from-server");

  for (const id of [server, client]) {
    const ip = await h.runtime.execSync(id, ["sh", "-c", "ip -4 -o addr show eth0"], 10);
    assert.equal(ip.exitCode, 0, ip.stderr.toString());
    assert.match(ip.stdout.toString(), new RegExp(`inet ${sandbox.network.ip.replaceAll(".", "\\.")}/`));
    const hostname = await h.runtime.execSync(id, ["hostname"], 10);
    assert.equal(hostname.stdout.toString().trim(), "web");
  }
  const hosts = await h.runtime.execSync(client, ["cat", "/etc/hosts"], 10);
  assert.match(hosts.stdout.toString(), new RegExp(`${sandbox.network.ip.replaceAll(".", "\\.")}\\tweb`));

  const listed = await h.runtime.listContainers({ podSandboxId: sandboxId });
  assert.deepEqual(
    listed.map((c) => c.state),
    ["CONTAINER_RUNNING", "CONTAINER_RUNNING"],
  );

  await h.runtime.stopPodSandbox(sandboxId);
  assert.equal((await h.runtime.podSandboxStatus(sandboxId)).state, "SANDBOX_NOTREADY");
  for (const c of await h.runtime.listContainers({ podSandboxId: sandboxId }))
    assert.equal(c.state, "CONTAINER_EXITED");
  await h.runtime.removePodSandbox(sandboxId);
  assert.deepEqual(await h.runtime.listContainers({ podSandboxId: sandboxId }), []);
});

test("exit codes, reasons and CRI-format logs survive the container", async () => {
  const { id: sandboxId, config } = await h.runSandbox("job");
  const id = await h.runtime.createContainer(
    sandboxId,
    container("worker", ["echo out-line; echo err-line >&2; exit 7"]),
    config,
  );
  assert.equal((await h.runtime.containerStatus(id)).state, "CONTAINER_CREATED");
  await h.runtime.startContainer(id);
  const status = await waitFor("the container to exit", async () => {
    const s = await h.runtime.containerStatus(id);
    return s.state === "CONTAINER_EXITED" ? s : undefined;
  });
  assert.equal(status.exitCode, 7);
  assert.equal(status.reason, "Error");
  assert.ok(status.finishedAt >= status.startedAt && status.startedAt > 0);
  assert.equal(status.logPath, `${config.logDirectory}/worker/0.log`);
  const log = await readFile(status.logPath ?? "", "utf8");
  const lines = log.trim().split("\n");
  assert.equal(lines.length, 2);
  assert.match(lines.find((l) => l.includes(" stdout ")) ?? "", /^\S+ stdout F out-line$/);
  assert.match(lines.find((l) => l.includes(" stderr ")) ?? "", /^\S+ stderr F err-line$/);

  const ok = await h.runtime.createContainer(sandboxId, container("ok", ["exit 0"]), config);
  await h.runtime.startContainer(ok);
  const okStatus = await waitFor("exit 0", async () => {
    const s = await h.runtime.containerStatus(ok);
    return s.state === "CONTAINER_EXITED" ? s : undefined;
  });
  assert.deepEqual([okStatus.exitCode, okStatus.reason], [0, "Completed"]);
  await h.runtime.removePodSandbox(sandboxId);
});

test("execSync returns output and exit code, and times out", async () => {
  const { id: sandboxId, config } = await h.runSandbox("exec");
  const id = await h.runtime.createContainer(
    sandboxId,
    container("main", ["exec sleep 3600"], {
      envs: [{ key: "GREETING", value: "hi there" }],
      workingDir: "/tmp",
    }),
    config,
  );
  await h.runtime.startContainer(id);
  const r = await h.runtime.execSync(id, ["sh", "-c", 'echo "$GREETING"; pwd; echo e >&2; exit 3'], 10);
  assert.deepEqual(
    [r.stdout.toString(), r.stderr.toString(), r.exitCode, r.timedOut],
    ["hi there\n/tmp\n", "e\n", 3, false],
  );
  const slow = await h.runtime.execSync(id, ["sleep", "30"], 1);
  assert.equal(slow.timedOut, true);
  assert.notEqual(slow.exitCode, 0);
  await h.runtime.removePodSandbox(sandboxId);
});

test("user, read-only rootfs, bind mounts, events and attach to the output", async () => {
  const { id: sandboxId, config } = await h.runSandbox("secure");
  const hostDir = `${h.dir}/volume`;
  mkdirSync(hostDir);
  writeFileSync(`${hostDir}/greeting`, "from the host\n");
  const events: string[] = [];
  const unsubscribe = h.runtime.onContainerEvent((e) => events.push(`${e.type}`));
  const id = await h.runtime.createContainer(
    sandboxId,
    container(
      "secure",
      [
        "id -u; id -g; cat /data/greeting; touch /rootfs-file 2>/dev/null || echo read-only; echo written > /data/out; for i in 1 2 3; do echo tick $i; echo tock $i >&2; sleep 0.3; done",
      ],
      {
        mounts: [{ containerPath: "/data", hostPath: hostDir }],
        linux: { securityContext: { runAsUser: 0, runAsGroup: 0, readonlyRootfs: true } },
      },
    ),
    config,
  );
  await h.runtime.startContainer(id);
  const attached = await h.runtime.attach(id, { tty: false, stdin: false, stdout: true, stderr: true });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  attached.stdout?.on("data", (d: Buffer) => out.push(d));
  attached.stderr?.on("data", (d: Buffer) => err.push(d));
  assert.equal(await attached.exitCode, 0);
  assert.match(Buffer.concat(out).toString(), /tick 3\n$/);
  assert.match(Buffer.concat(err).toString(), /tock 3\n$/);
  const status = await h.runtime.containerStatus(id);
  const log = await readFile(status.logPath ?? "", "utf8");
  assert.match(log, / stdout F 0\n.* stdout F 0\n.* stdout F from the host\n.* stdout F read-only\n/);
  assert.equal(readFileSync(`${hostDir}/out`, "utf8"), "written\n");
  // As on CRI, an exited container cannot be attached to (stdin on a running one: agent-runc's attach -i).
  await assert.rejects(
    h.runtime.attach(id, { tty: false, stdin: true, stdout: true, stderr: true }),
    /is not running/,
  );
  assert.deepEqual(events, ["CONTAINER_CREATED_EVENT", "CONTAINER_STARTED_EVENT", "CONTAINER_STOPPED_EVENT"]);

  const user = await h.runtime.createContainer(
    sandboxId,
    container("user", ["id -u; id -g"], {
      linux: { securityContext: { runAsUser: 1000, runAsGroup: 3000 } },
    }),
    config,
  );
  await h.runtime.startContainer(user);
  const userStatus = await waitFor("the user container to exit", async () => {
    const s = await h.runtime.containerStatus(user);
    return s.state === "CONTAINER_EXITED" ? s : undefined;
  });
  assert.match(await readFile(userStatus.logPath ?? "", "utf8"), / stdout F 1000\n.* stdout F 3000\n/);
  await h.runtime.removePodSandbox(sandboxId);
  unsubscribe();
  assert.equal(events.at(-1), "CONTAINER_DELETED_EVENT");
});

test("a hostPort mapping reaches the pod from the host's loopback (portmap)", async () => {
  const hostPort = 41_000 + Math.floor(Math.random() * 2000);
  const { id: sandboxId, config } = await h.runSandbox("mapped", {
    portMappings: [{ protocol: "TCP", containerPort: 8090, hostPort }],
  });
  const id = await h.runtime.createContainer(
    sandboxId,
    container("srv", ["mkdir /www && echo via-hostport > /www/index.html && exec httpd -f -p 8090 -h /www"]),
    config,
  );
  await h.runtime.startContainer(id);
  const body = await waitFor("the hostPort to answer", async () => {
    try {
      const response = await fetch(`http://127.0.0.1:${hostPort}/`, { signal: AbortSignal.timeout(2000) });
      return response.ok ? await response.text() : undefined;
    } catch {
      return undefined;
    }
  });
  assert.equal(body, "via-hostport\n");
  await h.runtime.removePodSandbox(sandboxId);
  const rules = execFileSync("iptables-save", { encoding: "utf8" });
  assert.equal(rules.includes(`--dports ${hostPort}`), false, "portmap rules removed with the sandbox");
});

test("sandboxes created concurrently get distinct IPs and are all removed", async () => {
  const sandboxes = await Promise.all([1, 2, 3, 4, 5].map((i) => h.runSandbox(`par-${i}`)));
  const ips = await Promise.all(
    sandboxes.map(async (s) => (await h.runtime.podSandboxStatus(s.id)).network.ip),
  );
  assert.equal(new Set(ips).size, 5, ips.join(" "));
  await Promise.all(sandboxes.map((s) => h.runtime.removePodSandbox(s.id)));
  assert.deepEqual(await h.runtime.listPodSandboxes(), []);
});
