import assert from "node:assert/strict";
import { test } from "node:test";
import { containerdConfigToml, containerdLayout } from "./config.ts";

test("a short data dir keeps the socket under <data-dir>/containerd", () => {
  const layout = containerdLayout("/var/lib/skiff");
  assert.equal(layout.socket, "/var/lib/skiff/containerd/containerd.sock");
  assert.equal(layout.ttrpcSocket, "/var/lib/skiff/containerd/containerd.sock.ttrpc");
  assert.equal(layout.socketDir, layout.dir);
});

test("a long data dir moves the socket to a short /run/skiff-<hash> directory, stable per data dir", () => {
  const long = `/tmp/${"x".repeat(90)}`;
  const a = containerdLayout(long);
  assert.match(a.socket, /^\/run\/skiff-[0-9a-f]{12}\/containerd\.sock$/);
  assert.ok(a.ttrpcSocket.length <= 107);
  assert.equal(containerdLayout(long).socket, a.socket);
  assert.notEqual(containerdLayout(`${long}y`).socket, a.socket);
  assert.equal(a.root, `${long}/containerd/root`);
});

test("the config sets Skiff's own paths, the local pause image and the host's restrictions", () => {
  const layout = containerdLayout("/d");
  const toml = containerdConfigToml({
    layout,
    sandboxImage: "skiff.local/pause:3.9",
    cniBinDir: "/usr/lib/cni",
  });
  for (const line of [
    'root = "/d/containerd/root"',
    'state = "/d/containerd/state"',
    'address = "/d/containerd/containerd.sock"',
    'address = "/d/containerd/containerd.sock.ttrpc"',
    'sandbox_image = "skiff.local/pause:3.9"',
    "restrict_oom_score_adj = true",
    "netns_mounts_under_state_dir = true",
    'bin_dir = "/usr/lib/cni"',
    'conf_dir = "/d/containerd/cni/net.d"',
    "SystemdCgroup = false",
    'Root = "/d/containerd/state/runc"',
  ]) {
    assert.ok(toml.includes(line), `config has ${line}`);
  }
  assert.match(toml, /disabled_plugins = \[[^\]]*"io\.containerd\.snapshotter\.v1\.btrfs"/);
});
