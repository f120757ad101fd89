import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { CriClient } from "./cri-client.ts";
import type { VersionResponse } from "./cri-types.ts";
import { ContainerdSupervisor } from "./supervisor.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("the supervisor starts containerd with CRI ready, a restarted agent adopts it, stop ends it", async () => {
  const dir = tempDir("skc-sup-");
  const first = new ContainerdSupervisor({ dataDir: dir.path });
  const second = new ContainerdSupervisor({ dataDir: dir.path });
  try {
    await first.start();
    const pid = first.pid;
    assert.ok(pid && alive(pid));
    const client = new CriClient({ endpoint: first.socket });
    const version = await client.call<VersionResponse>("Version", { version: "v1" });
    client.close();
    assert.equal(version.runtimeName, "containerd");
    assert.equal(version.runtimeApiVersion, "v1");
    // An agent killed -9 leaves its containerd running: the next one adopts it rather than start a second.
    await second.start();
    assert.equal(second.pid, pid);
    await second.stop();
    assert.equal(alive(pid), false);
    assert.equal(existsSync(`${dir.path}/containerd/containerd.pid`), false);
  } finally {
    await second.stop();
    await first.stop();
    dir.remove();
  }
});

test("start fails with containerd's own words when it cannot run", async () => {
  const dir = tempDir("skc-sup-");
  const supervisor = new ContainerdSupervisor({
    dataDir: dir.path,
    containerdBinary: "/bin/false",
    readyTimeoutMs: 2000,
  });
  try {
    await assert.rejects(supervisor.start(), /did not become ready/);
    assert.equal(supervisor.pid, undefined);
  } finally {
    await supervisor.stop();
    dir.remove();
  }
});

test("a data dir too long for a unix socket path gets its socket under /run/skiff-<hash>", async () => {
  const dir = tempDir("skc-sup-");
  const dataDir = `${dir.path}/${"long-path-segment/".repeat(5)}data`;
  const supervisor = new ContainerdSupervisor({ dataDir });
  try {
    assert.match(supervisor.socket, /^\/run\/skiff-[0-9a-f]{12}\/containerd\.sock$/);
    await supervisor.start();
    assert.ok(existsSync(supervisor.socket));
    await supervisor.stop();
    assert.equal(existsSync(supervisor.layout.socketDir), false, "the socket directory is removed");
  } finally {
    await supervisor.stop();
    dir.remove();
  }
});
