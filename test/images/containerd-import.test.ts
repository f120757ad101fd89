// The built busybox and pause archives import into a real containerd (own config, socket and root).
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { testImages } from "../support/images.ts";
import { imageCommand } from "./support.ts";

const hasContainerd = existsSync("/usr/bin/containerd") && existsSync("/usr/bin/ctr");
// Short path: the socket path must stay under the 108-byte sun_path limit.
let dir = "";
let containerd: ChildProcess | undefined;
const sock = () => join(dir, "c.sock");
const ctr = (...args: string[]) =>
  execFileSync("ctr", ["--address", sock(), "-n", "k8s.io", ...args], { encoding: "utf8" });

before(async () => {
  if (!hasContainerd) return;
  dir = mkdtempSync("/tmp/skiff-ctd-");
  writeFileSync(
    join(dir, "config.toml"),
    [
      "version = 2",
      `root = "${dir}/root"`,
      `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      "[grpc]",
      `  address = "${sock()}"`,
      "[ttrpc]",
      `  address = "${sock()}.ttrpc"`,
      "[metrics]",
      '  address = ""',
      "",
    ].join("\n"),
  );
  containerd = spawn("containerd", ["--config", join(dir, "config.toml")], { stdio: "ignore" });
  for (let i = 0; i < 100 && !existsSync(sock()); i++) await sleep(50);
  assert.ok(existsSync(sock()), "containerd did not create its socket");
});

after(async () => {
  if (containerd && containerd.exitCode === null) {
    const exited = new Promise((resolve) => containerd?.once("exit", resolve));
    containerd.kill("SIGTERM");
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("ctr images import accepts the busybox and pause archives", { skip: !hasContainerd }, () => {
  const images = testImages();
  ctr("images", "import", images.busybox);
  ctr("images", "import", images.pause);
  const list = ctr("images", "ls", "-q").split("\n");
  for (const ref of ["docker.io/library/busybox:latest", "skiff.local/busybox:1", "skiff.local/pause:3.9"]) {
    assert.ok(list.includes(ref), `${ref} missing from ${list.join(", ")}`);
  }
  ctr("images", "rm", "docker.io/library/busybox:latest", "skiff.local/busybox:1", "skiff.local/pause:3.9");
});

test("skiff image import --containerd-address imports into containerd", {
  skip: !hasContainerd,
}, async () => {
  const text = await imageCommand("import", "--containerd-address", sock(), testImages().pause);
  assert.equal(text, "imported skiff.local/pause:3.9\n");
  assert.ok(ctr("images", "ls", "-q").split("\n").includes("skiff.local/pause:3.9"));
  await assert.rejects(
    imageCommand("import", "--containerd-address", sock(), "/etc/hostname"),
    /ctr images import \/etc\/hostname: /,
  );
  ctr("images", "rm", "skiff.local/pause:3.9");
});
