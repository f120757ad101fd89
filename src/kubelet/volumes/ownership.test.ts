import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { setVolumeOwnership } from "./ownership.ts";

const root = mkdtempSync(join(tmpdir(), "skiff-ownership-"));
after(() => rmSync(root, { recursive: true, force: true }));

test("a writable volume gets the group, g+rw on files and g+rwx,setgid on dirs", () => {
  const dir = join(root, "rw");
  mkdirSync(join(dir, "sub"), { recursive: true, mode: 0o700 });
  writeFileSync(join(dir, "sub", "f"), "x", { mode: 0o600 });
  setVolumeOwnership(dir, 4321, false);
  for (const p of [dir, join(dir, "sub")]) {
    const s = statSync(p);
    assert.equal(s.gid, 4321);
    assert.equal(s.mode & 0o7777, 0o2770, p);
  }
  const f = statSync(join(dir, "sub", "f"));
  assert.equal(f.gid, 4321);
  assert.equal(f.mode & 0o7777, 0o660);
});

test("a read-only volume gets g+r only; symlinks are chowned but their targets keep their mode", () => {
  const dir = join(root, "ro");
  mkdirSync(join(dir, "..2026"), { recursive: true, mode: 0o755 });
  writeFileSync(join(dir, "..2026", "key"), "v", { mode: 0o400 });
  symlinkSync("..2026", join(dir, "..data"));
  symlinkSync("..data/key", join(dir, "key"));
  setVolumeOwnership(dir, 99, true);
  assert.equal(statSync(join(dir, "..2026", "key")).mode & 0o7777, 0o440);
  assert.equal(statSync(join(dir, "..2026")).mode & 0o7777, 0o2755 | 0o550);
  assert.equal(statSync(join(dir, "key")).gid, 99);
});
