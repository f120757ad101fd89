// bench/scheduler's figures derived from the phases: request rates from the server's /metrics, CPU
// per pod net of the idle background and split by component, and the issue's targets.
import type { RestClient } from "../src/client/rest.ts";
import { round } from "./scheduler-phase.ts";

/** apiserver_request_total by "VERB resource/subresource", read from the server's /metrics. */
export async function requestCounts(client: RestClient): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const res = await client.transport.request({
    method: "GET",
    path: "/metrics",
    headers: { accept: "text/plain" },
  });
  for (const line of res.body.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const m = /verb="(\w+)".*resource="(\w*)".*subresource="(\w*)".*\} (\d+)/.exec(line);
    if (!m) continue;
    const key = `${m[1]} ${m[2]}${m[3] ? `/${m[3]}` : ""}`;
    out[key] = (out[key] ?? 0) + Number(m[4]);
  }
  return out;
}

/** Idle CPU ms per second of each process. */
export interface Background {
  api: number;
  scheduler: number;
  sim: number;
}

export interface PerPodOptions {
  split: boolean;
  cores: number;
  background: Background;
  /** The calibration phase (pods nobody schedules) and its pod count. */
  calibration: Record<string, number>;
  calibrationPods: number;
}

/** CPU ms per pod of a phase, net of the background, split by component. */
export function cpuPerPod(o: PerPodOptions, phase: Record<string, number>, pods: number) {
  const bg = o.background;
  const net = (p: Record<string, number>, what: "api" | "scheduler" | "sim", n: number) =>
    round(((p[`${what}_cpu_ms`] ?? 0) - bg[what] * (p.cpu_seconds ?? 0)) / n, 3);
  const apiCreate = net(o.calibration, "api", o.calibrationPods);
  const schedInformer = net(o.calibration, "scheduler", o.calibrationPods);
  const api = net(phase, "api", pods);
  const sched = net(phase, "scheduler", pods);
  const simMs = net(phase, "sim", pods);
  const total = api + sched + simMs;
  const gross = (phase.api_cpu_ms ?? 0) + (phase.scheduler_cpu_ms ?? 0) + (phase.sim_cpu_ms ?? 0);
  const background = (bg.api + bg.scheduler + bg.sim) * (phase.cpu_seconds ?? 0);
  const parts = o.split
    ? {
        api_create_and_fanout_ms: apiCreate,
        api_binding_status_events_ms: round(api - apiCreate, 3),
        scheduler_informer_ms: schedInformer,
        scheduler_cycle_binding_events_ms: round(sched - schedInformer, 3),
      }
    : {
        // One process: API server, embedded scheduler and this bench's client and watch.
        server_create_and_fanout_ms: apiCreate,
        server_cycle_binding_status_events_ms: round(api - apiCreate, 3),
      };
  return {
    // Before subtracting the idle background; the net split below is only trustworthy when the
    // background is a small share of the phase (a quiet machine, a short phase).
    gross_cpu_ms_per_pod: round(gross / pods, 3),
    background_share: round(background / Math.max(gross, 1), 2),
    total_cpu_ms_per_pod: round(total, 3),
    ...parts,
    sim_pod_handling_and_status_ms: simMs,
    pod_writes_per_pod: round((phase.pod_writes ?? 0) / pods, 2),
    // What 2 cores could do with nobody else on them: (cores − background) / CPU per pod.
    cpu_bound_pods_per_s: round((o.cores * 1000 - (bg.api + bg.scheduler + bg.sim)) / total, 0),
  };
}

export function target(value: number, min: number | undefined, max?: number) {
  return {
    value,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    met: (min === undefined || value >= min) && (max === undefined || value <= max),
  };
}
