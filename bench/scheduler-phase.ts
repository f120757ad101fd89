// One measured phase of bench/scheduler: create `count` pods of a kind through the API, wait until
// all are bound and every bound pod's Scheduled Event exists (their writes' CPU belongs to the
// phase), and return wall-clock rates, latencies and each process's CPU over the phase.
import { performance } from "node:perf_hooks";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ResourceClient } from "../src/client/resource-client.ts";
import { benchPod, type PodKind, pool } from "./scheduler-objects.ts";
import { type CpuSample, cpuDiff } from "./scheduler-procs.ts";
import type { BindingTracker } from "./scheduler-tracker.ts";

export interface PhaseContext {
  pods: ResourceClient<Pod>;
  tracker: BindingTracker;
  sample: () => CpuSample;
}

export const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const pct = (s: number[], p: number) =>
  s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runPhase(
  ctx: PhaseContext,
  kind: PodKind,
  count: number,
  waitBound: boolean,
): Promise<Record<string, number>> {
  const { tracker } = ctx;
  const before = ctx.sample();
  const start = performance.now();
  const writesBefore = { ...tracker.writes };
  const allBound = waitBound ? tracker.reached("bound", kind, count) : Promise.resolve("done" as const);
  await pool(
    Array.from({ length: count }, (_, i) => i),
    64,
    async (i) => {
      tracker.created.set(`${kind}-${i}`, performance.now());
      await ctx.pods.create(benchPod(i, kind));
    },
  );
  const createdAt = performance.now();
  const outcome = await allBound;
  const end = performance.now();
  // The phase's work includes every bound pod's Scheduled event: wait for them too.
  const events = waitBound ? await tracker.reached("events", kind, count) : "done";
  const eventsAt = performance.now();
  // Let status updates of the last pods land, so their CPU is counted in this phase.
  if (waitBound) await sleep(1000);
  const cpu = cpuDiff(before, ctx.sample());
  const latencies = tracker.latencies(kind);
  const seconds = (end - start) / 1000;
  const bound = tracker.boundOf(kind);
  const w = tracker.writes;
  return {
    pods: count,
    bound,
    ...(outcome === "timeout" ? { timedOut: 1 } : {}),
    scheduled_events: tracker.eventCount[kind] ?? 0,
    ...(events === "timeout" ? { eventsTimedOut: 1 } : {}),
    // From the last binding until the last Scheduled event was seen.
    events_lag_s: round((eventsAt - end) / 1000, 2),
    seconds: round(seconds, 2),
    bound_per_s: round(bound / seconds, 0),
    created_per_s: round(count / ((createdAt - start) / 1000), 0),
    latency_p50_ms: round(pct(latencies, 50), 1),
    latency_p99_ms: round(pct(latencies, 99), 1),
    cpu_seconds: round(cpu.seconds, 2),
    api_cpu_ms: round(cpu.api, 0),
    scheduler_cpu_ms: round(cpu.scheduler, 0),
    sim_cpu_ms: round(cpu.sim, 0),
    pod_writes: w.added - writesBefore.added + w.modified - writesBefore.modified,
  };
}

/** A phase as printed: embedded, the one server process's CPU is `server_cpu_ms`. */
export function shown(phase: Record<string, number>, split: boolean): Record<string, number> {
  if (split) return phase;
  const { api_cpu_ms, scheduler_cpu_ms: _none, ...rest } = phase;
  return { ...rest, server_cpu_ms: api_cpu_ms ?? 0 };
}
