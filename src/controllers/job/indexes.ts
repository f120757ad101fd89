// Completion indexes of Indexed Jobs: the pod annotation/label that carries a pod's index, and
// the interval text of status.completedIndexes ("1,3-5,7") parsed and formatted.
import type { Pod } from "kubernetes-types/core/v1.js";

export const completionIndexAnnotation = "batch.kubernetes.io/job-completion-index";

/** A pod's completion index, or undefined when absent or not a non-negative integer. */
export function podIndex(pod: Pod): number | undefined {
  const text = pod.metadata?.annotations?.[completionIndexAnnotation];
  if (text === undefined || !/^(0|[1-9][0-9]*)$/.test(text)) return undefined;
  return Number.parseInt(text, 10);
}

/** Parses "1,3-5" into {1,3,4,5}; values at or beyond `completions` are dropped. */
export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? "").split(",")) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    for (let i = first; i <= last && i < completions; i++) out.add(i);
  }
  return out;
}

/** Formats a set of indexes as ascending intervals ("1,3-5"); "" when empty. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i] as number;
    let last = first;
    while (i + 1 < sorted.length && sorted[i + 1] === last + 1) last = sorted[++i] as number;
    parts.push(first === last ? String(first) : `${first}-${last}`);
    i++;
  }
  return parts.join(",");
}
