// kill -9 of the process that drives the runc runtime leaves its containers running (conmon is
// their parent, not the kubelet), and a runtime opened afterwards on the same state re-adopts them.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { openHarness, type RuncHarness } from "./runc-support.ts";

let h: RuncHarness;

before(async () => {
  h = await openHarness();
});

after(async () => {
  const left = await h.teardown();
  assert.deepEqual(left, []);
});

test("containers survive kill -9 of their kubelet and are re-adopted", async () => {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(new URL("./runc-restart-child.ts", import.meta.url)),
      JSON.stringify({
        stateDir: h.stateDir,
        imagesDir: h.dir,
        bridge: h.bridge,
        networkName: h.networkName,
        podCidr: h.podCidr,
        cgroupParent: h.cgroupParent,
        logDirectory: `${h.dir}/logs/survivor`,
      }),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => {
    output += d.toString();
  });
  while (!output.includes("\n")) {
    const [exitCode] = await Promise.race([once(child.stdout, "data"), once(child, "exit")]);
    if (typeof exitCode === "number") throw new Error(`child exited with ${exitCode}`);
  }
  const { sandboxId, containerId } = JSON.parse(output) as { sandboxId: string; containerId: string };
  h.sandboxIds.add(sandboxId);
  child.kill("SIGKILL");
  await once(child, "exit");

  const runtime = await h.reopen();
  const [status] = await runtime.listContainers({ id: containerId });
  assert.equal(status?.state, "CONTAINER_RUNNING");
  assert.equal((await runtime.podSandboxStatus(sandboxId)).state, "SANDBOX_READY");
  const r = await runtime.execSync(containerId, ["sh", "-c", "echo alive; hostname"], 10);
  assert.equal(r.stdout.toString(), "alive\nsurvivor\n");
  await runtime.stopContainer(containerId, 1);
  const stopped = await runtime.containerStatus(containerId);
  assert.deepEqual([stopped.state, stopped.exitCode], ["CONTAINER_EXITED", 137]);
  await runtime.removePodSandbox(sandboxId);
});
