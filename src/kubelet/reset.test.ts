import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { killLeftovers, mountsUnder, readNodeRecord, writeNodeRecord } from "./reset.ts";

const dir = mkdtempSync(join(tmpdir(), "skiff-reset-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the node record round-trips through node.json", () => {
  const record = { nodeName: "n", runtime: "runc", bridge: "skb0", network: "skb0", cgroupRoot: "/skb" };
  writeNodeRecord(join(dir, "node"), record);
  assert.deepEqual(readNodeRecord(join(dir, "node")), record);
  assert.equal(readNodeRecord(join(dir, "none")), undefined);
});

test("mountsUnder lists mount points at or under a dir, deepest first, unescaped", () => {
  const mountinfo = [
    "22 1 0:21 / /proc rw - proc proc rw",
    "90 1 0:50 / /data/d rw - tmpfs tmpfs rw",
    "91 90 0:51 / /data/d/a\\040b/c rw - tmpfs tmpfs rw",
    "92 1 0:52 / /data/dd rw - tmpfs tmpfs rw",
  ].join("\n");
  assert.deepEqual(mountsUnder("/data/d", mountinfo), ["/data/d/a b/c", "/data/d"]);
});

test("killLeftovers kills a process whose command line names the data dir", async () => {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 600000)", join(dir, "shim-address")]);
  await new Promise((r) => setTimeout(r, 300));
  const exited = new Promise<string | null>((r) => child.once("exit", (_code, signal) => r(signal)));
  assert.ok(killLeftovers(dir, undefined) >= 1);
  assert.equal(await exited, "SIGKILL");
});
