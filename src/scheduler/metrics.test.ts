import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "../../test/metrics-prom/expfmt.ts";
import { defaultRegistry } from "../metrics/index.ts";
import { SchedulerMetrics } from "./metrics.ts";
import { SchedulingQueue } from "./queue.ts";
import { testPod } from "./testing.ts";

async function scrape() {
  return parseExposition(await defaultRegistry.expose());
}

test("attempts, their latency, SLI latency and pending pods per queue are exposed", async () => {
  const profile = "metrics-test-scheduler";
  const m = new SchedulerMetrics(profile);
  const clock = { t: 1_000_000 };
  const q = new SchedulingQueue({ now: () => clock.t });
  const unwatch = m.watchQueue(q);
  try {
    q.add(testPod({ name: "a" }));
    q.add(testPod({ name: "b" }));
    q.add(testPod({ name: "c" }));
    const first = await q.pop();
    assert.ok(first);
    q.addUnschedulable(first, q.schedulingCycle);
    m.attempt("unschedulable", performance.now());
    m.attempt("scheduled", performance.now() - 20);
    m.scheduled(2, 1500);
    const f = await scrape();
    assert.equal(sumOf(f, "scheduler_schedule_attempts_total", { result: "scheduled", profile }), 1);
    assert.equal(sumOf(f, "scheduler_schedule_attempts_total", { result: "unschedulable", profile }), 1);
    assert.equal(sumOf(f, "scheduler_schedule_attempts_total", { result: "error", profile }), 0);
    const count = "scheduler_scheduling_attempt_duration_seconds_count";
    assert.equal(sumOf(f, "scheduler_scheduling_attempt_duration_seconds", { profile }, count), 2);
    const sli = "scheduler_pod_scheduling_sli_duration_seconds";
    assert.ok(sumOf(f, sli, { attempts: "2", le: "2.56" }, `${sli}_bucket`) >= 1);
    assert.equal(sumOf(f, "scheduler_pending_pods", { queue: "active" }), 2);
    assert.equal(sumOf(f, "scheduler_pending_pods", { queue: "unschedulable" }), 1);
  } finally {
    unwatch();
    q.close();
  }
  assert.equal(sumOf(await scrape(), "scheduler_pending_pods", { queue: "active" }), 0);
});
