import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { detectLayout, firstPid, memoryFromV1, parseKeyed, readCgroup } from "./cgroup.ts";

// Captured from this project's hybrid host (root memory/cpuacct figures) and written after the
// kernel's documented formats for the container leaves and cgroup v2.
const v1 = join(import.meta.dirname, "testdata", "cgroupfs-v1");
const v2 = join(import.meta.dirname, "testdata", "cgroupfs-v2");

test("the layout is v2 only where the root is the unified hierarchy", () => {
  assert.equal(detectLayout(v1), "v1");
  assert.equal(detectLayout(v2), "v2");
});

test("v1: cpuacct.usage, usage_in_bytes and working set = usage − total_inactive_file", () => {
  const pod = readCgroup("/kubepods/podA", "v1", v1);
  assert.deepEqual(pod, {
    cpuUsageCoreNanoSeconds: 39232014482320,
    memoryUsageBytes: 2872836096,
    memoryWorkingSetBytes: 2872836096 - 357269504,
    memoryRssBytes: 663318528,
    pageFaults: 430970944,
    majorPageFaults: 23223,
  });
  const container = readCgroup("kubepods/podA/c1", "v1", v1);
  assert.equal(container?.cpuUsageCoreNanoSeconds, 1234567890);
  assert.equal(container?.memoryWorkingSetBytes, 10485760 - 1048576);
  assert.equal(readCgroup("/kubepods/gone", "v1", v1), undefined);
});

test("v2: cpu.stat usage_usec, memory.current − inactive_file", () => {
  assert.deepEqual(readCgroup("/kubepods/podA/c1", "v2", v2), {
    cpuUsageCoreNanoSeconds: 2_500_000_000,
    memoryUsageBytes: 8388608,
    memoryWorkingSetBytes: 8388608 - 2097152,
    memoryRssBytes: 4194304 + 1048576,
    pageFaults: 120,
    majorPageFaults: 1,
  });
});

test("the working set never goes below zero", () => {
  assert.equal(memoryFromV1(100, parseKeyed("total_inactive_file 4096\n")).memoryWorkingSetBytes, 0);
});

test("the first process of a cgroup leads to the pod's network namespace", () => {
  assert.equal(firstPid("/kubepods/podA/c1", "v1", v1), 4242);
  assert.equal(firstPid("/kubepods/podA", "v1", v1), undefined);
});

test("the host's own root cgroup reads (live)", () => {
  const root = readCgroup("/", detectLayout());
  assert.ok(root, "root cgroup readable");
  assert.ok(root.cpuUsageCoreNanoSeconds > 0);
  assert.ok(root.memoryUsageBytes >= root.memoryWorkingSetBytes);
});
