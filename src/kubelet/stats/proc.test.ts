import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  parseMeminfo,
  parseNetDev,
  parseProcStatCpu,
  readNetDev,
  readNodeCpu,
  readNodeMemory,
} from "./proc.ts";

// Captured from this project's machine.
const fixture = (name: string) => readFileSync(join(import.meta.dirname, "testdata", name), "utf8");

test("/proc/stat: busy time of all cores in nanoseconds (USER_HZ 100)", () => {
  // cpu  2650237 0 1090734 609414 9806 0 13385 0 0 0 → user+nice+system+irq+softirq+steal.
  assert.equal(parseProcStatCpu(fixture("proc-stat.txt")), (2650237 + 1090734 + 13385) * 1e7);
  assert.equal(parseProcStatCpu("intr 1 2\n"), undefined);
});

test("/proc/meminfo: usage = total − free, working set = usage − Inactive(file)", () => {
  const m = parseMeminfo(fixture("meminfo.txt"));
  assert.deepEqual(m, {
    capacityBytes: 24683620 * 1024,
    availableBytes: 23338512 * 1024,
    usageBytes: (24683620 - 22603556) * 1024,
    workingSetBytes: (24683620 - 22603556 - 348944) * 1024,
  });
});

test("/proc/<pid>/net/dev: bytes and errors per interface", () => {
  const eth0 = parseNetDev(fixture("net-dev.txt")).find((i) => i.name === "eth0");
  assert.deepEqual(eth0, { name: "eth0", rxBytes: 2047696430, rxErrors: 0, txBytes: 6517941, txErrors: 0 });
});

test("live procfs reads", () => {
  assert.ok((readNodeCpu() ?? 0) > 0);
  assert.ok((readNodeMemory()?.workingSetBytes ?? 0) > 0);
  assert.ok(readNetDev("self").every((i) => i.name !== "lo"));
  assert.deepEqual(readNetDev(2 ** 30), []);
});
