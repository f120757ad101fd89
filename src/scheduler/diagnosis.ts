// The "0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had untolerated taint {…}." text
// of a FitError: reasons counted over nodes, sorted like Kubernetes (by the whole string).
import type { Status } from "./types.ts";

export function histogramMessage(numNodes: number, statuses: Iterable<Status>): string {
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${numNodes} nodes are available${parts.length > 0 ? `: ${parts.join(", ")}` : ""}.`;
}

export interface FitDiagnosis {
  numNodes: number;
  /** node name → why it was filtered out */
  failures: ReadonlyMap<string, Status>;
  /** A PreFilter that rejected the pod outright (applies to every node). */
  preFilter?: Status;
  /** Preemption's own explanation, appended after "preemption: ". */
  postFilterMessage?: string;
}

export function fitErrorMessage(d: FitDiagnosis): string {
  let msg: string;
  if (d.preFilter) {
    const reasons = d.preFilter.reasons.join(", ");
    msg = `0/${d.numNodes} nodes are available: ${reasons}.`;
  } else msg = histogramMessage(d.numNodes, d.failures.values());
  if (d.postFilterMessage) msg += ` ${d.postFilterMessage}`;
  return msg;
}
