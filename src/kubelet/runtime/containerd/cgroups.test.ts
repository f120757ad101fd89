import assert from "node:assert/strict";
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { test } from "node:test";
import { tempDir } from "../../../../test/support/tempdir.ts";
import { podCgroupUids, removeCgroup } from "./cgroups.ts";

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
    assert.equal(removeCgroup("/skiff/podA", root), false, "a busy cgroup is reported");
    assert.equal(existsSync(`${root}/memory/skiff/podA`), false);
    assert.equal(existsSync(`${root}/cpu,cpuacct/skiff/podA`), false);
    assert.equal(existsSync(`${root}/pids/skiff/podA/busy`), true);
    assert.equal(existsSync(`${root}/memory/skiff/podB`), true, "other pods untouched");
    assert.equal(removeCgroup("/skiff/podB", root), true);
    removeCgroup("/", root);
    removeCgroup("/skiff/../..", root);
    assert.equal(existsSync(`${root}/memory/skiff`), true, "root and escaping paths are refused");
  } finally {
    dir.remove();
  }
});

test("podCgroupUids lists pod cgroups under the parent and its QoS classes, in any hierarchy", () => {
  const dir = tempDir();
  try {
    const root = dir.path;
    mkdirSync(`${root}/memory/skiff/kubepods/podA`, { recursive: true });
    mkdirSync(`${root}/memory/skiff/kubepods/besteffort/podB`, { recursive: true });
    mkdirSync(`${root}/pids/skiff/kubepods/burstable/podC`, { recursive: true });
    mkdirSync(`${root}/pids/skiff/kubepods/other`, { recursive: true });
    assert.deepEqual([...podCgroupUids("/skiff/kubepods", root)].sort(), ["A", "B", "C"]);
    assert.equal(podCgroupUids("/", root).size, 0);
    assert.equal(podCgroupUids("/nothing", root).size, 0);
  } finally {
    dir.remove();
  }
});
