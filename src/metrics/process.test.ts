import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "../../test/metrics-prom/expfmt.ts";
import { registerProcessMetrics } from "./process.ts";
import { Registry } from "./registry.ts";

test("process and Node.js series have plausible values", async () => {
  const r = new Registry();
  registerProcessMetrics(r);
  registerProcessMetrics(r);
  const f = parseExposition(await r.expose());
  assert.equal(f.get("process_cpu_seconds_total")?.type, "counter");
  assert.ok(sumOf(f, "process_cpu_seconds_total") > 0);
  assert.ok(sumOf(f, "process_resident_memory_bytes") > 1e6);
  const start = sumOf(f, "process_start_time_seconds");
  assert.ok(start <= Date.now() / 1000 && start > Date.now() / 1000 - 3600);
  assert.ok(sumOf(f, "process_open_fds") >= 3);
  assert.ok(sumOf(f, "process_max_fds") >= sumOf(f, "process_open_fds"));
  assert.ok(sumOf(f, "nodejs_heap_size_used_bytes") > 0);
  assert.ok(sumOf(f, "nodejs_eventloop_lag_p99_seconds") >= 0);
});
