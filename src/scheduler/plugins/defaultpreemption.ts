// DefaultPreemption (PostFilter): when a pod fits nowhere, find nodes where removing pods of
// lower priority would let it fit, keep as few victims as possible (reprieving the most important
// first), and pick the node whose victims matter least. The Scheduler deletes the victims and
// sets status.nominatedNodeName; the pod is retried when they are gone.
// Simplified from upstream: PodDisruptionBudgets are not consulted yet.

import { histogramMessage } from "../diagnosis.ts";
import type { Framework } from "../framework.ts";
import type { NodeInfo, PodInfo } from "../nodeinfo.ts";
import type { Snapshot } from "../snapshot.ts";
import type { CycleState, PostFilterPlugin, PostFilterResult, Status } from "../types.ts";
import { isSuccess, unresolvable, unschedulable } from "../types.ts";

interface Candidate {
  node: NodeInfo;
  victims: PodInfo[];
}

/** Enough candidates to choose well without trying every node of a big cluster. */
const maxCandidates = 100;

function removeFrom(fw: Framework, state: CycleState, pod: PodInfo, node: NodeInfo, victim: PodInfo): void {
  node.removePod(victim);
  for (const p of fw.profile.preFilter) p.removePod?.(state, pod, victim, node);
}

function addTo(fw: Framework, state: CycleState, pod: PodInfo, node: NodeInfo, victim: PodInfo): void {
  node.addPod(victim);
  for (const p of fw.profile.preFilter) p.addPod?.(state, pod, victim, node);
}

/** The fewest lower-priority pods whose removal lets the pod fit on the node, or undefined. */
export function selectVictims(
  fw: Framework,
  cycle: CycleState,
  pod: PodInfo,
  original: NodeInfo,
): PodInfo[] | undefined {
  const node = original.clone();
  const state = cycle.clone();
  const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority);
  if (lower.length === 0) return undefined;
  for (const v of lower) removeFrom(fw, state, pod, node, v);
  if (!isSuccess(fw.runFilters(state, pod, node))) return undefined;
  // Reprieve the most important pods first (higher priority, then older).
  lower.sort((a, b) => b.priority - a.priority || a.created - b.created);
  const victims: PodInfo[] = [];
  for (const v of lower) {
    addTo(fw, state, pod, node, v);
    if (!isSuccess(fw.runFilters(state, pod, node))) {
      removeFrom(fw, state, pod, node, v);
      victims.push(v);
    }
  }
  return victims;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/** Upstream's pickOneNodeForPreemption order (without PDB violations): lowest highest-victim
 * priority, then lowest priority sum, then fewest victims. */
export function pickCandidate(candidates: Candidate[]): Candidate | undefined {
  const key = (c: Candidate): number[] => {
    const prios = c.victims.map((v) => v.priority);
    return [Math.max(Number.NEGATIVE_INFINITY, ...prios), prios.reduce((a, b) => a + b, 0), c.victims.length];
  };
  let best: Candidate | undefined;
  let bestKey: number[] = [];
  for (const c of candidates) {
    const k = key(c);
    if (!best || lexLess(k, bestKey)) {
      best = c;
      bestKey = k;
    }
  }
  return best;
}

export function defaultPreemption(fw: Framework): PostFilterPlugin {
  return {
    name: "DefaultPreemption",
    postFilter(state, pod, snapshot: Snapshot, failures: ReadonlyMap<string, Status>): PostFilterResult {
      const total = snapshot.nodes.length;
      if (pod.pod.spec?.preemptionPolicy === "Never") {
        return { status: unresolvable("preemption: not eligible due to preemptionPolicy=Never.") };
      }
      const candidates: Candidate[] = [];
      const why: Status[] = [];
      for (const node of snapshot.nodes) {
        if (candidates.length >= maxCandidates) break;
        const f = failures.get(node.name);
        if (f && f.code !== "Unschedulable") {
          why.push(unresolvable("Preemption is not helpful for scheduling"));
          continue;
        }
        if (!f) continue;
        const victims = selectVictims(fw, state, pod, node);
        if (victims) candidates.push({ node, victims });
        else why.push(unschedulable("No preemption victims found for incoming pod"));
      }
      const chosen = pickCandidate(candidates);
      if (!chosen) return { status: unschedulable(`preemption: ${histogramMessage(total, why)}`) };
      return { status: unschedulable(), nominatedNodeName: chosen.node.name, victims: chosen.victims };
    },
  };
}
