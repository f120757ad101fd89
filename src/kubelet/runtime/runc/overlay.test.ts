import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { isMountPoint } from "./overlay.ts";

test("isMountPoint: mount points (also through a symlink) yes; a plain or missing directory no", async () => {
  const dir = mkdtempSync(join(tmpdir(), "skiff-overlay-"));
  try {
    symlinkSync("/proc", join(dir, "proc-link"));
    assert.equal(await isMountPoint("/proc"), true);
    assert.equal(await isMountPoint(join(dir, "proc-link")), true);
    assert.equal(await isMountPoint(dir), false);
    assert.equal(await isMountPoint(join(dir, "missing")), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
