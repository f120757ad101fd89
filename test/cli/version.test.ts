// `skiff --version` prints the Kubernetes version served; a mistyped command is one clear line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { skiffEntry } from "../support/skiff-entry.ts";

const skiff = (...args: string[]) =>
  spawnSync(process.execPath, [...skiffEntry(), ...args], { encoding: "utf8", timeout: 60_000 });

test("skiff --version prints the served Kubernetes version and exits 0", () => {
  const r = skiff("--version");
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /^v1\.32\.\d+\+skiff$/);
});

test("an unknown command is one line on stderr with exit code 2", () => {
  const r = skiff("sever");
  assert.equal(r.status, 2);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] ?? "", /unknown command 'sever' \(Did you mean server\?\)/);
});
