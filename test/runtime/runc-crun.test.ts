// The runc runtime with `ociRuntime: "crun"` (crun in a private mount namespace without the hybrid
// cgroup2 mount, RUNTIME.md): exit codes, OOMKilled, exec with piped stdin (exec with a terminal is refused: crun 1.8's foreground exec --tty garbles it), clean removal.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type ContainerConfig,
  type ContainerStatus,
  RuntimeUnsupportedError,
} from "../../src/kubelet/runtime/runtime.ts";
import { busyboxImage, openHarness, type RuncHarness } from "./runc-support.ts";

let h: RuncHarness;

before(async () => {
  h = await openHarness({ ociRuntime: "crun" });
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

async function exited(id: string): Promise<ContainerStatus> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const s = await h.runtime.containerStatus(id);
    if (s.state === "CONTAINER_EXITED") return s;
    if (Date.now() > deadline) throw new Error(`container ${id} still ${s.state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("crun runs containers: exit code, OOMKilled, exec with stdin; a terminal is refused", async () => {
  assert.equal((await h.runtime.version()).runtimeName, "crun");
  const { id: sandboxId, config } = await h.runSandbox("crun");
  const failing = await h.runtime.createContainer(sandboxId, container("fail", "exit 9"), config);
  await h.runtime.startContainer(failing);
  assert.deepEqual([(await exited(failing)).exitCode, (await exited(failing)).reason], [9, "Error"]);

  const hog = await h.runtime.createContainer(
    sandboxId,
    container("hog", "exec dd if=/dev/zero of=/dev/null bs=64M count=1", {
      linux: { resources: { memoryLimitInBytes: 16 << 20 } },
    }),
    config,
  );
  await h.runtime.startContainer(hog);
  const hogStatus = await exited(hog);
  assert.deepEqual([hogStatus.exitCode, hogStatus.reason], [137, "OOMKilled"]);

  const shell = await h.runtime.createContainer(sandboxId, container("shell", "exec sleep 3600"), config);
  await h.runtime.startContainer(shell);
  await assert.rejects(
    h.runtime.exec(shell, { cmd: ["tty"], tty: true, stdin: false, stdout: true, stderr: false }),
    RuntimeUnsupportedError,
  );
  const session = await h.runtime.exec(shell, {
    cmd: ["sh", "-c", "cat; hostname"],
    tty: false,
    stdin: true,
    stdout: true,
    stderr: true,
  });
  const out: Buffer[] = [];
  session.stdout?.on("data", (d: Buffer) => out.push(d));
  session.stdin?.end("typed\n");
  assert.equal(await session.exitCode, 0);
  assert.equal(Buffer.concat(out).toString(), "typed\ncrun\n");
  await h.runtime.removePodSandbox(sandboxId);
});
