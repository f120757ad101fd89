// `skiff server` refuses a bad data dir or datastore at start with one clear line, never a stack
// trace or a crash later.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { skiffEntry } from "../support/skiff-entry.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-cli-start-");
after(() => dir.remove());

function server(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [
        ...skiffEntry(),
        "server",
        "--disable-agent",
        "--disable-cluster-dns",
        "--disable-ingress",
        "--listen",
        "127.0.0.1:0",
        ...args,
      ],
      { timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function oneLine(stderr: string): string {
  const lines = stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line on stderr, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
  return lines[0] ?? "";
}

test("a corrupt state database is named in one line", async () => {
  const data = join(dir.path, "corrupt");
  mkdirSync(data);
  writeFileSync(join(data, "state.db"), "this is not a database ".repeat(100));
  const r = await server(["--data-dir", data]);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /cannot open state database .*corrupt\/state\.db/);
  assert.doesNotMatch(r.stdout, /ready/);
});

test("a data dir under a regular file is refused in one line", async () => {
  const file = join(dir.path, "a-file");
  writeFileSync(file, "x");
  const r = await server(["--data-dir", join(file, "data")]);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /cannot use data dir .*a-file\/data: a parent is not a directory/);
});

test("an unreachable etcd is named in one line", async () => {
  const r = await server(["--data-dir", join(dir.path, "etcd"), "--datastore", "etcd://127.0.0.1:1"]);
  assert.equal(r.code, 1);
  assert.match(oneLine(r.stderr), /etcd is unreachable at 127\.0\.0\.1:1/);
});

test("a malformed datastore URL is a usage error", async () => {
  const r = await server(["--data-dir", join(dir.path, "url"), "--datastore", "mysql://x"]);
  assert.equal(r.code, 2);
  assert.match(oneLine(r.stderr), /--datastore must be sqlite:\/\/PATH or etcd:\/\//);
});

test("skiff server says what it does while starting, then how to use the cluster", async () => {
  const dataDir = join(dir.path, "progress");
  const args = [
    "server",
    "--disable-agent",
    "--disable-cluster-dns",
    "--disable-ingress",
    "--listen",
    "127.0.0.1:0",
    "--data-dir",
    dataDir,
  ];
  const first = await SkiffChild.start(args, "Summary: skiff status");
  await first.stop();
  assert.match(first.out, new RegExp(`^skiff server: store: SQLite ${dataDir}/state\\.db$`, "m"));
  assert.match(first.out, /^skiff server: created a cluster CA and certificates in .*\/pki$/m);
  assert.match(first.out, /^skiff server: API server listening on https:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(first.out, /^skiff server ready at https:\/\/127\.0\.0\.1:\d+ /m);
  assert.match(first.out, new RegExp(`^    export KUBECONFIG=${dataDir}/kubeconfig$`, "m"));
  const second = await SkiffChild.start(args, "Summary: skiff status");
  await second.stop();
  assert.match(second.out, /^skiff server: reusing the cluster CA in .*\/pki$/m);
});
