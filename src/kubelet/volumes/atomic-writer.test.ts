import assert from "node:assert/strict";
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { validPath, writeAtomically } from "./atomic-writer.ts";

test("files appear through ..data; an update swaps the set; unchanged content is not rewritten", () => {
  const dir = mkdtempSync(join(tmpdir(), "aw-"));
  try {
    const files = new Map([
      ["a", { data: Buffer.from("1") }],
      ["sub/b", { data: Buffer.from("2"), mode: 0o600 }],
    ]);
    assert.equal(writeAtomically(dir, files), true);
    assert.equal(readFileSync(join(dir, "a"), "utf8"), "1");
    assert.equal(readFileSync(join(dir, "sub/b"), "utf8"), "2");
    assert.equal(statSync(join(dir, "sub/b")).mode & 0o777, 0o600);
    assert.ok(lstatSync(join(dir, "a")).isSymbolicLink());
    const first = readlinkSync(join(dir, "..data"));
    assert.equal(writeAtomically(dir, files), false);
    assert.equal(writeAtomically(dir, new Map([["c", { data: Buffer.from("3") }]])), true);
    assert.equal(existsSync(join(dir, "a")), false);
    assert.equal(readFileSync(join(dir, "c"), "utf8"), "3");
    assert.equal(existsSync(join(dir, first)), false, "the old timestamped dir is removed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("paths escaping the volume are refused", () => {
  assert.equal(validPath("../x"), false);
  assert.equal(validPath("/etc/passwd"), false);
  assert.equal(validPath("..data"), false);
  assert.equal(validPath("a/b"), true);
});
