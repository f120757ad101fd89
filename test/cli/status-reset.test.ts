// `skiff status` on a cluster with a real node, and `skiff reset` of that node's data dir: it
// refuses while the agent runs or without confirmation, then removes the pods the stopped agent
// left running (by design) together with their bridge, cgroups, mounts and files.
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { after, before, test } from "node:test";
import { removeCgroup } from "../../src/kubelet/runtime/containerd/cgroups.ts";
import { busybox, type NodeCluster, startNodeCluster } from "../kubelet/agent-support.ts";
import { skiffEntry } from "../support/skiff-entry.ts";

let c: NodeCluster;
before(async () => {
  c = await startNodeCluster({ index: 7, runtime: "containerd" });
});
after(async () => {
  await c.agent.stop();
  await c.server.stop();
  // Only a failed test leaves anything here; the reset test asserts it is all gone.
  sh("ip", ["link", "del", c.bridge]);
  removeCgroup(c.cgroupRoot);
  rmSync(dirname(c.dataDir), { recursive: true, force: true });
});

function skiff(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [...skiffEntry(), ...args], { timeout: 120_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

test("skiff status shows the Ready node and the running pod", async () => {
  await c.apply(`apiVersion: v1
kind: Pod
metadata: {name: sleeper}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: c, image: ${busybox}, command: [sleep, "3600"]}]
`);
  await c.waitPod("sleeper", (p) => p.status?.phase === "Running", "running");
  const r = await skiff(["status", "--kubeconfig", c.server.kubeconfig]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^nodes: 1\/1 Ready$/m);
  assert.match(r.stdout, new RegExp(`^  ${c.nodeName}  Ready  containerd://`, "m"));
  assert.match(r.stdout, /^pods: \d+ \(.*Running.*\)/m);
});

test("skiff status against a stopped server says so in one line", async () => {
  const kubeconfig = readFileSync(c.server.kubeconfig, "utf8").replace(
    /server: \S+/,
    "server: https://127.0.0.1:1",
  );
  const f = `${dirname(c.dataDir)}/dead-kubeconfig`;
  writeFileSync(f, kubeconfig);
  const r = await skiff(["status", "--kubeconfig", f]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /cannot reach the cluster at https:\/\/127\.0\.0\.1:1 .*is skiff server running/);
});

test("skiff reset refuses while the agent runs, and without --yes when not on a terminal", async () => {
  const busy = await skiff(["reset", "--data-dir", c.dataDir, "--yes"]);
  assert.equal(busy.code, 2);
  assert.match(busy.stderr, /is in use by process \d+: stop skiff first/);
  await c.agent.stop();
  const unconfirmed = await skiff(["reset", "--data-dir", c.dataDir]);
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.stderr, /refusing to remove .* without confirmation: run again with --yes/);
  assert.ok(existsSync(c.dataDir), "nothing was removed");
});

test("skiff reset removes the pods a stopped agent left running, and everything they used", async () => {
  const podCgroups = () =>
    readdirSync("/sys/fs/cgroup").flatMap((h) => {
      const p = `/sys/fs/cgroup/${h}${c.cgroupRoot}/kubepods`;
      return existsSync(p)
        ? sh("find", [p, "-mindepth", "1", "-type", "d", "-name", "pod*"]).trim().split("\n").filter(Boolean)
        : [];
    });
  assert.ok(podCgroups().length > 0, "the sleeper pod still runs after its agent stopped");
  const r = await skiff(["reset", "--data-dir", c.dataDir, "--yes"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /removed 1 pod sandbox\(es\) from containerd/);
  assert.equal(existsSync(c.dataDir), false, "the data dir is gone");
  assert.deepEqual(podCgroups(), []);
  assert.equal(sh("ip", ["link", "show", c.bridge]).includes(c.bridge), false, "the bridge is gone");
  assert.equal(sh("nft", ["list", "table", "ip", `skiff-${c.nodeName}`]), "", "the proxy table is gone");
  const mounts = readFileSync("/proc/mounts", "utf8")
    .split("\n")
    .filter((l) => l.includes(c.dataDir));
  assert.deepEqual(mounts, []);
  const containerd = sh("pgrep", ["-af", `${c.dataDir}/`]).trim();
  assert.equal(containerd, "", "no process of the node is left");
});
