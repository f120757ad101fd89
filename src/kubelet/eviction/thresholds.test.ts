import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { HostPressure } from "../node/host.ts";
import { evictable, rankForEviction } from "./rank.ts";
import {
  defaultEvictionHard,
  EvictionThresholdError,
  parseEvictionThresholds,
  thresholdsMet,
} from "./thresholds.ts";

const Mi = 1024 * 1024;
const host: HostPressure = {
  memoryAvailableBytes: 500 * Mi,
  memoryCapacityBytes: 1000 * Mi,
  diskAvailableBytes: 20 * Mi,
  diskCapacityBytes: 100 * Mi,
  inodesFree: 50,
  inodes: 100,
  pidsInUse: 10,
  pidMax: 100,
};

test("thresholds parse quantities and percentages, and bad ones say why", () => {
  const t = parseEvictionThresholds("memory.available<100Mi, nodefs.available<10%");
  assert.deepEqual(t, [
    { signal: "memory.available", quantity: 100 * Mi, text: "100Mi" },
    { signal: "nodefs.available", fraction: 0.1, text: "10%" },
  ]);
  assert.equal(parseEvictionThresholds(defaultEvictionHard).length, 5);
  assert.throws(() => parseEvictionThresholds("memory.free<1Gi"), /unknown eviction signal "memory.free"/);
  assert.throws(() => parseEvictionThresholds("memory.available>1Gi"), EvictionThresholdError);
  assert.throws(() => parseEvictionThresholds("nodefs.available<150%"), /percentage must be 0-100/);
  assert.throws(() => parseEvictionThresholds("memory.available<lots"), /is not a quantity/);
});

test("a threshold is met when the available amount is below it", () => {
  const met = (text: string) => thresholdsMet(parseEvictionThresholds(text), host).map((m) => m.resource);
  assert.deepEqual(met("memory.available<100Mi"), []);
  assert.deepEqual(met("memory.available<600Mi"), ["memory"]);
  assert.deepEqual(met("memory.available<60%"), ["memory"]);
  assert.deepEqual(met("nodefs.available<25%,imagefs.available<10%"), ["disk"]);
  assert.deepEqual(met("nodefs.inodesFree<60%"), ["disk"]);
  assert.deepEqual(met("pid.available<95"), ["pid"]);
  // Unknown disk figures (statfs failed) are never pressure.
  assert.deepEqual(
    thresholdsMet(parseEvictionThresholds("nodefs.available<10%"), { ...host, diskCapacityBytes: 0 }),
    [],
  );
});

const pod = (
  name: string,
  o: { request?: string; priority?: number; annotations?: Record<string, string> } = {},
): Pod => ({
  metadata: { name, ...(o.annotations ? { annotations: o.annotations } : {}) },
  spec: {
    ...(o.priority !== undefined ? { priority: o.priority } : {}),
    containers: [{ name: "c", ...(o.request ? { resources: { requests: { memory: o.request } } } : {}) }],
  },
});

test("ranking: over the request first, then lower priority, then the most above the request", () => {
  const ranked = rankForEviction(
    [
      { pod: pod("within", { request: "100Mi" }), usage: 50 * Mi },
      { pod: pod("over-high-priority", { request: "10Mi", priority: 1000 }), usage: 50 * Mi },
      { pod: pod("over-small", { request: "40Mi" }), usage: 50 * Mi },
      { pod: pod("over-big"), usage: 80 * Mi },
    ],
    "memory",
  ).map((u) => u.pod.metadata?.name);
  assert.deepEqual(ranked, ["over-big", "over-small", "over-high-priority", "within"]);
});

test("static, mirror and system-critical pods are never evicted", () => {
  assert.equal(evictable(pod("a")), true);
  assert.equal(evictable(pod("static", { annotations: { "kubernetes.io/config.source": "file" } })), false);
  assert.equal(evictable(pod("mirror", { annotations: { "kubernetes.io/config.mirror": "x" } })), false);
  assert.equal(evictable(pod("critical", { priority: 2_000_001_000 })), false);
});
