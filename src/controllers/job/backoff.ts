// The delay before a Job creates a replacement pod after failures: base · 2^(n−1) for n failures
// since the last success, capped (Kubernetes: 10 s doubling up to 6 min), measured from the latest
// failure. Derived from the pods themselves so a restarted controller computes the same wait.
import type { Pod } from "kubernetes-types/core/v1.js";

export interface BackoffOptions {
  /** First delay (default 10 s). */
  baseMs: number;
  /** Cap (default 6 min). */
  maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 10_000, maxMs: 360_000 };

/** When a pod finished: its containers' latest finishedAt, else its deletion, else undefined. */
export function finishedAt(pod: Pod): number | undefined {
  let latest: number | undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const t = s.state?.terminated?.finishedAt;
    const v = t ? Date.parse(t) : Number.NaN;
    if (!Number.isNaN(v)) latest = Math.max(latest ?? v, v);
  }
  if (latest !== undefined) return latest;
  const d = pod.metadata?.deletionTimestamp;
  return d ? Date.parse(d) : undefined;
}

export interface FinishedPod {
  pod: Pod;
  failed: boolean;
}

/** Epoch ms before which no replacement may be created (0: no wait). */
export function nextCreateAt(finished: FinishedPod[], o: BackoffOptions, now: number): number {
  const ordered = finished
    .map((f) => ({ failed: f.failed, at: finishedAt(f.pod) ?? now }))
    .sort((a, b) => a.at - b.at);
  let failures = 0;
  let lastFailure = 0;
  for (const f of ordered) {
    if (f.failed) {
      failures++;
      lastFailure = f.at;
    } else failures = 0;
  }
  if (failures === 0) return 0;
  const delay = Math.min(o.baseMs * 2 ** Math.min(failures - 1, 30), o.maxMs);
  return lastFailure + delay;
}
