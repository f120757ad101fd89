// The scheduling framework's vocabulary (KEP-624): Status codes, the per-cycle state bag and the
// plugin interfaces for each extension point. Plugins are pure: they read a Snapshot, never the API.
import type { NodeInfo, PodInfo } from "./nodeinfo.ts";
import type { Snapshot } from "./snapshot.ts";

/**
 * Unschedulable: the node may fit after other pods leave (preemption can help).
 * UnschedulableAndUnresolvable: no preemption on this node can help (taints, selectors, cordon).
 */
export type Code = "Success" | "Unschedulable" | "UnschedulableAndUnresolvable" | "Error" | "Skip";

export interface Status {
  code: Code;
  /** Human reasons, in Kubernetes' words ("Insufficient cpu"); counted per node in the event. */
  reasons: readonly string[];
  /** The plugin that failed (set by the framework). */
  plugin?: string;
}

export const success: Status = Object.freeze({ code: "Success", reasons: [] }) as Status;
export const skip: Status = Object.freeze({ code: "Skip", reasons: [] }) as Status;

export function unschedulable(...reasons: string[]): Status {
  return { code: "Unschedulable", reasons };
}

export function unresolvable(...reasons: string[]): Status {
  return { code: "UnschedulableAndUnresolvable", reasons };
}

export function errorStatus(reason: string): Status {
  return { code: "Error", reasons: [reason] };
}

export function isSuccess(s: Status): boolean {
  return s.code === "Success" || s.code === "Skip";
}

/** Data plugins compute in PreFilter/PreScore and read back in Filter/Score, keyed by plugin. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run. */
  readonly skipFilter = new Set<string>();
  readonly skipScore = new Set<string>();

  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }

  /** Preemption evaluates "what if these pods were gone" on copies; state must copy with it. */
  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) {
      const cloneable = v as { clone?: () => unknown } | undefined;
      c.data.set(k, typeof cloneable?.clone === "function" ? cloneable.clone() : v);
    }
    for (const s of this.skipFilter) c.skipFilter.add(s);
    for (const s of this.skipScore) c.skipScore.add(s);
    return c;
  }
}

export interface Plugin {
  readonly name: string;
}

export interface PreFilterPlugin extends Plugin {
  /** Computes what Filter needs; Skip means Filter has nothing to check for this pod. */
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status;
  /** Keeps PreFilter's state right when preemption removes (or restores) a pod on a node. */
  removePod?(state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo): void;
  addPod?(state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo): void;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface PostFilterResult {
  status: Status;
  nominatedNodeName?: string;
  /** Pods to delete so that the preemptor fits on the nominated node. */
  victims?: PodInfo[];
}

export interface PostFilterPlugin extends Plugin {
  postFilter(
    state: CycleState,
    pod: PodInfo,
    snapshot: Snapshot,
    failures: ReadonlyMap<string, Status>,
  ): PostFilterResult;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], snapshot: Snapshot): Status;
}

export interface ScorePlugin extends Plugin {
  /** Multiplies the normalized score (Kubernetes' default weights). */
  readonly weight: number;
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** Rescales raw scores (parallel to `nodes`) into 0..100 in place. */
  normalize?(state: CycleState, pod: PodInfo, scores: number[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** Synchronous Permit: allow or reject (no waiting; nothing in Skiff needs gang scheduling yet). */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): Status;
}

export type AnyPlugin = Partial<
  PreFilterPlugin &
    FilterPlugin &
    PostFilterPlugin &
    PreScorePlugin &
    ScorePlugin &
    ReservePlugin &
    PermitPlugin
> &
  Plugin;

export const maxNodeScore = 100;
