import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parseExposition, sumOf } from "../../../test/metrics-prom/expfmt.ts";
import { defaultRegistry } from "../../metrics/index.ts";
import { PodStartTracker } from "./pod-start.ts";

const pod = (uid: string, phase?: string, deleting = false): Pod => ({
  metadata: { uid, name: uid, ...(deleting ? { deletionTimestamp: "2024-01-01T00:00:00Z" } : {}) },
  ...(phase ? { status: { phase } } : {}),
});

async function counts(): Promise<{ count: number; le2: number }> {
  const f = parseExposition(await defaultRegistry.expose());
  const name = "kubelet_pod_start_duration_seconds";
  return { count: sumOf(f, name, {}, `${name}_count`), le2: sumOf(f, name, { le: "2" }, `${name}_bucket`) };
}

test("a pod's start is observed once, from first sight to Running", async () => {
  const clock = { t: 0 };
  const tracker = new PodStartTracker(() => clock.t);
  const before = await counts();
  tracker.observe(pod("a"));
  clock.t = 1500;
  tracker.observe(pod("a", "Pending"));
  tracker.observe(pod("a", "Running"));
  tracker.observe(pod("a", "Running"));
  tracker.observe(pod("b", "Running")); // already running when first seen: not ours
  tracker.observe(pod("c"));
  tracker.observe(pod("c", "Pending", true));
  tracker.observe(pod("c", "Running"));
  const after = await counts();
  assert.equal(after.count - before.count, 1);
  assert.equal(after.le2 - before.le2, 1);
});
