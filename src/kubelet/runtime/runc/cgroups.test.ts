// cgroup v1 paths: normalisation, a pod cgroup created in each controller and removed with its children.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { test } from "node:test";
import {
  cgroupExists,
  cgroupUsage,
  createCgroup,
  normalizeCgroupPath,
  oomKillCount,
  podControllers,
  removeCgroup,
} from "./cgroups.ts";

test("paths are normalised and may not escape", () => {
  assert.equal(normalizeCgroupPath("skiff//pod1/"), "/skiff/pod1");
  assert.throws(() => normalizeCgroupPath("/skiff/../.."));
});

test("a pod cgroup is created in every pod controller and removed with its children", async () => {
  const root = `/skiff-test-${randomBytes(3).toString("hex")}`;
  const pod = `${root}/pod1`;
  try {
    await createCgroup(pod);
    for (const c of podControllers) assert.ok(existsSync(`/sys/fs/cgroup/${c}${pod}`), c);
    mkdirSync(`/sys/fs/cgroup/memory${pod}/container1`);
    assert.equal(cgroupExists(pod), true);
    const usage = await cgroupUsage(pod);
    assert.equal(usage.cpuUsageCoreNanoSeconds, 0, "no process ever ran in it");
    assert.ok(usage.memoryWorkingSetBytes <= usage.memoryUsageBytes);
    assert.equal(await oomKillCount(pod), 0);
  } finally {
    await removeCgroup(root);
  }
  await removeCgroup(root);
  await removeCgroup(root); // idempotent
  for (const c of podControllers) assert.equal(existsSync(`/sys/fs/cgroup/${c}${root}`), false, c);
  await assert.rejects(removeCgroup("/"));
});
