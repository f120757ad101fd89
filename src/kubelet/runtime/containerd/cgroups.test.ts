import assert from "node:assert/strict";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { removeCgroup } from "./cgroups.ts";

test("removeCgroup removes the pod's empty cgroup tree in every hierarchy and keeps busy ones", () => {
  const dir = tempDir();
  try {
    const root = dir.path;
    mkdirSync(`${root}/memory/skiff/podA/leftover`, { recursive: true });
    mkdirSync(`${root}/cpu,cpuacct/skiff/podA`, { recursive: true });
    symlinkSync(`${root}/cpu,cpuacct`, `${root}/cpu`);
    mkdirSync(`${root}/pids/skiff/podA/busy`, { recursive: true });
    // A file stands in for a cgroup that still holds processes: rmdir fails on it.
    writeFileSync(`${root}/pids/skiff/podA/busy/tasks`, "1\n");
    mkdirSync(`${root}/memory/skiff/podB`, { recursive: true });
    removeCgroup("/skiff/podA", root);
    assert.equal(existsSync(`${root}/memory/skiff/podA`), false);
    assert.equal(existsSync(`${root}/cpu,cpuacct/skiff/podA`), false);
    assert.equal(existsSync(`${root}/pids/skiff/podA/busy`), true);
    assert.equal(existsSync(`${root}/memory/skiff/podB`), true, "other pods untouched");
    removeCgroup("/", root);
    removeCgroup("/skiff/../..", root);
    assert.equal(existsSync(`${root}/memory/skiff`), true, "root and escaping paths are refused");
  } finally {
    dir.remove();
  }
});
