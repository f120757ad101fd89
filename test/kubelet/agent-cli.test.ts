// `skiff server` with its embedded agent (fake runtime) prints ready once its node is Ready, and
// `skiff agent` joins a second node with a kubeconfig; a missing server or token is a usage error.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { skiffEntry } from "../support/skiff-entry.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

const server = new SkiffServer({ agent: true, runtime: "fake" });
const dir = tempDir("skiff-agent-cli-");

before(async () => {
  await server.start();
});

after(async () => {
  await server.stop();
  dir.remove();
});

test("the embedded node is Ready when the server says ready", async () => {
  const nodes = await server.kubectl(["get", "nodes", "--no-headers"]);
  assert.equal(nodes.code, 0, nodes.stderr);
  assert.match(nodes.stdout, /\sReady\s/);
});

test("skiff agent --kubeconfig joins a node that runs pods", async () => {
  const agent = await SkiffChild.start(
    [
      "agent",
      "--kubeconfig",
      server.kubeconfig,
      "--name",
      "joined",
      "--runtime",
      "fake",
      "--data-dir",
      dir.path,
      "--pod-cidr",
      "10.203.250.0/24",
    ],
    "skiff agent ready: node joined (fake://0.1.0)",
  );
  try {
    const node = await server.kubectl([
      "get",
      "node",
      "joined",
      "-o",
      "jsonpath={.status.conditions[?(@.type=='Ready')].status}",
    ]);
    assert.equal(node.stdout, "True");
    const run = await server.kubectl([
      "run",
      "there",
      "--image=busybox:1",
      "--overrides",
      '{"spec":{"nodeName":"joined"}}',
    ]);
    assert.equal(run.code, 0, run.stderr);
    let ip = "";
    for (let i = 0; i < 100 && !ip; i++) {
      ip = (await server.kubectl(["get", "pod", "there", "-o", "jsonpath={.status.podIP}"])).stdout;
      if (!ip) await new Promise((r) => setTimeout(r, 200));
    }
    assert.match(ip, /^10\.203\.250\.\d+$/);
  } finally {
    assert.equal(await agent.stop(), 0);
  }
});

test("skiff agent without --server/--token or --kubeconfig is a usage error", async () => {
  const r = await new Promise<{ code: number; stderr: string }>((done) =>
    execFile(process.execPath, [...skiffEntry(), "agent", "--runtime", "fake"], (err, _out, stderr) =>
      done({ code: err && typeof err.code === "number" ? err.code : 0, stderr }),
    ),
  );
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "error: give --server URL and --token TOKEN, or --kubeconfig FILE\n");
});
