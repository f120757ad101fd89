// Runs one scheduling cycle over a snapshot: PreFilter → Filter (a sample of nodes, as upstream's
// percentageOfNodesToScore, rotating the starting node) → PreScore → Score (normalized, weighted)
// → pick the best node (random among ties). Reserve/Permit/Bind are driven by the Scheduler.
import type { NodeInfo, PodInfo } from "./nodeinfo.ts";
import type { Snapshot } from "./snapshot.ts";
import {
  CycleState,
  type FilterPlugin,
  isSuccess,
  type PermitPlugin,
  type PostFilterPlugin,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ReservePlugin,
  type ScorePlugin,
  type Status,
  success,
} from "./types.ts";

export interface Profile {
  preFilter: PreFilterPlugin[];
  filter: FilterPlugin[];
  postFilter: PostFilterPlugin[];
  preScore: PreScorePlugin[];
  score: ScorePlugin[];
  reserve: ReservePlugin[];
  permit: PermitPlugin[];
}

export interface FrameworkOptions {
  profile: Profile;
  /** Percent of nodes to find feasible before stopping (default adaptive, like upstream: 50 − n/125, ≥ 5). */
  percentageOfNodesToScore?: number;
  /** For tie-breaking; default Math.random. */
  random?: () => number;
}

export type CycleResult =
  | { kind: "scheduled"; nodeName: string; state: CycleState; evaluated: number; feasible: number }
  | { kind: "unschedulable"; state: CycleState; failures: Map<string, Status>; preFilter?: Status };

const minFeasibleNodes = 100;

/**
 * Failed statuses tagged with their plugin, per status object: plugins return shared constant
 * statuses for their common failures, so thousands of failing nodes per cycle allocate nothing.
 */
const tagged = new WeakMap<Status, Map<string, Status>>();
function withPlugin(s: Status, plugin: string): Status {
  let byPlugin = tagged.get(s);
  if (!byPlugin) {
    byPlugin = new Map();
    tagged.set(s, byPlugin);
  }
  let t = byPlugin.get(plugin);
  if (!t) {
    t = Object.freeze({ ...s, plugin });
    byPlugin.set(plugin, t);
  }
  return t;
}

export class Framework {
  readonly profile: Profile;
  private nextStart = 0;
  private readonly random: () => number;

  constructor(private readonly options: FrameworkOptions) {
    this.profile = options.profile;
    this.random = options.random ?? Math.random;
  }

  /** How many feasible nodes are enough (upstream numFeasibleNodesToFind). */
  numFeasibleNodesToFind(total: number): number {
    if (total < minFeasibleNodes) return total;
    let pct = this.options.percentageOfNodesToScore ?? Math.max(5, 50 - Math.floor(total / 125));
    if (pct >= 100) return total;
    pct = Math.max(pct, 1);
    return Math.max(minFeasibleNodes, Math.floor((total * pct) / 100));
  }

  runPreFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status {
    for (const p of this.profile.preFilter) {
      const s = p.preFilter(state, pod, snapshot);
      if (s.code === "Skip") state.skipFilter.add(p.name);
      else if (!isSuccess(s)) return { ...s, plugin: p.name };
    }
    return success;
  }

  runFilters(state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    return this.runActiveFilters(this.activeFilters(state), state, pod, node);
  }

  /** The filters PreFilter did not skip, looked up once per cycle rather than per node. */
  private activeFilters(state: CycleState): FilterPlugin[] {
    return state.skipFilter.size === 0
      ? this.profile.filter
      : this.profile.filter.filter((p) => !state.skipFilter.has(p.name));
  }

  private runActiveFilters(filters: FilterPlugin[], state: CycleState, pod: PodInfo, node: NodeInfo): Status {
    for (let i = 0; i < filters.length; i++) {
      const p = filters[i] as FilterPlugin;
      const s = p.filter(state, pod, node);
      if (s.code !== "Success" && s.code !== "Skip") return withPlugin(s, p.name);
    }
    return success;
  }

  schedule(pod: PodInfo, snapshot: Snapshot): CycleResult {
    const state = new CycleState();
    const nodes = snapshot.nodes;
    const pre = this.runPreFilter(state, pod, snapshot);
    if (!isSuccess(pre)) return { kind: "unschedulable", state, failures: new Map(), preFilter: pre };
    const failures = new Map<string, Status>();
    const feasible: NodeInfo[] = [];
    // A nominated node (after preemption) is tried first, as upstream does.
    const nominated = pod.pod.status?.nominatedNodeName;
    const nominatedInfo = nominated ? snapshot.get(nominated) : undefined;
    if (nominatedInfo && isSuccess(this.runFilters(state, pod, nominatedInfo))) {
      return { kind: "scheduled", nodeName: nominatedInfo.name, state, evaluated: 1, feasible: 1 };
    }
    const want = this.numFeasibleNodesToFind(nodes.length);
    const n = nodes.length;
    let evaluated = 0;
    const start = n === 0 ? 0 : this.nextStart % n;
    const filters = this.activeFilters(state);
    for (let i = 0; i < n && feasible.length < want; i++) {
      const node = nodes[(start + i) % n];
      if (!node) continue;
      evaluated++;
      const s = this.runActiveFilters(filters, state, pod, node);
      if (s === success) feasible.push(node);
      else failures.set(node.name, s);
    }
    this.nextStart = start + evaluated;
    if (feasible.length === 0) return { kind: "unschedulable", state, failures };
    const first = feasible[0];
    if (feasible.length === 1 && first)
      return { kind: "scheduled", nodeName: first.name, state, evaluated, feasible: 1 };
    const totals = this.score(state, pod, feasible, snapshot);
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    let ties = 0;
    for (let i = 0; i < totals.length; i++) {
      const s = totals[i] ?? 0;
      if (s > bestScore) {
        bestScore = s;
        best = i;
        ties = 1;
      } else if (s === bestScore) {
        ties++;
        if (this.random() * ties < 1) best = i; // reservoir sampling among equals
      }
    }
    return {
      kind: "scheduled",
      nodeName: feasible[best]?.name ?? "",
      state,
      evaluated,
      feasible: feasible.length,
    };
  }

  private score(state: CycleState, pod: PodInfo, nodes: NodeInfo[], snapshot: Snapshot): number[] {
    for (const p of this.profile.preScore) {
      const s = p.preScore(state, pod, nodes, snapshot);
      if (s.code === "Skip") state.skipScore.add(p.name);
    }
    const totals = new Array<number>(nodes.length).fill(0);
    const scores = new Array<number>(nodes.length);
    for (const p of this.profile.score) {
      if (state.skipScore.has(p.name)) continue;
      for (let i = 0; i < nodes.length; i++) scores[i] = p.score(state, pod, nodes[i] as NodeInfo);
      p.normalize?.(state, pod, scores);
      for (let i = 0; i < scores.length; i++)
        totals[i] = (totals[i] as number) + (scores[i] as number) * p.weight;
    }
    return totals;
  }

  runReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (let i = 0; i < this.profile.reserve.length; i++) {
      const p = this.profile.reserve[i];
      if (!p) continue;
      const s = p.reserve(state, pod, nodeName);
      if (!isSuccess(s)) {
        for (let j = i; j >= 0; j--) this.profile.reserve[j]?.unreserve(state, pod, nodeName);
        return { ...s, plugin: p.name };
      }
    }
    return success;
  }

  runUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let j = this.profile.reserve.length - 1; j >= 0; j--)
      this.profile.reserve[j]?.unreserve(state, pod, nodeName);
  }

  runPermit(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const p of this.profile.permit) {
      const s = p.permit(state, pod, nodeName);
      if (!isSuccess(s)) return { ...s, plugin: p.name };
    }
    return success;
  }
}
