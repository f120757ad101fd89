// bench/api's verdicts: the four targets, met or missed, and the CPU-per-operation summary.
import type { Figures } from "./api-client.ts";

export interface Target {
  target: string;
  measured: number;
  limit: number;
  met: boolean;
  note?: string;
}

export const at = (figures: Figures, ...path: string[]): number => {
  let v: unknown = figures;
  for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
  return typeof v === "number" ? v : Number.NaN;
};

/** The targets, met or missed, from one backend's figures. */
export function targets(f: Figures, quiet: boolean): Target[] {
  const wallNote = quiet
    ? undefined
    : "wall clock on a busy machine (load above the core count): not conclusive";
  const withNote = (t: Omit<Target, "met">, met: boolean, note?: string): Target => ({
    ...t,
    met,
    ...(note ? { note } : {}),
  });
  const p99 = at(f, "mutating_at_500_per_s", "p99_ms");
  const rate = at(f, "mutating_at_500_per_s", "per_s");
  const ratio = at(f, "api_to_raw_write_ratio");
  const list = at(f, "list_10000_pods", "p99_ms");
  const rss = at(f, "idle_rss_mb");
  return [
    withNote(
      { target: "mutating p99 at 500 writes/s (open loop), ms", measured: p99, limit: 20 },
      p99 <= 20 && rate >= 475,
      rate < 475 ? `only ${rate} writes/s achieved` : wallNote,
    ),
    withNote(
      { target: "API create rate / raw Store create rate (100 in flight)", measured: ratio, limit: 0.4 },
      ratio >= 0.4,
      wallNote,
    ),
    withNote({ target: "LIST 10,000 pods p99, ms", measured: list, limit: 300 }, list <= 300, wallNote),
    withNote(
      {
        target: "idle server RSS 3 s after ready, MB (`node dist/skiff.cjs server`)",
        measured: rss,
        limit: 80,
      },
      rss <= 80,
      `10 s after ready: ${at(f, "idle_rss_mb_10s")} MB; with --max-semi-space-size=1 and the malloc env (not applied by skiff): ${at(f, "idle_low_memory_launch", "idle_rss_mb")} MB`,
    ),
  ];
}

/** Server CPU per operation (µs), the figure that does not depend on how busy the machine is. */
export function cpuSummary(f: Figures): Figures {
  const us = (...path: string[]) => Math.round(at(f, ...path) * 1000);
  return {
    configmap_create_10_clients: us("clients_10", "create", "server_cpu_ms_per_op"),
    configmap_get_10_clients: us("clients_10", "get", "server_cpu_ms_per_op"),
    configmap_update_10_clients: us("clients_10", "update", "server_cpu_ms_per_op"),
    configmap_create_100_clients: us("clients_100", "create", "server_cpu_ms_per_op"),
    configmap_create_open_loop_500_per_s: us("mutating_at_500_per_s", "server_cpu_ms_per_op"),
    pod_create_50_clients: us("pod_create_50_clients", "server_cpu_ms_per_op"),
    list_1000_pods: us("list_1000_pods", "server_cpu_ms_per_op"),
    list_10000_pods: us("list_10000_pods", "server_cpu_ms_per_op"),
  };
}
