// Where the wall time of a bench/controllers phase goes: a watch on the Deployment's pods and on
// its Deployment/ReplicaSets records when each pod was created, bound, Running, Ready (and,
// during a rollout, when old pods began deleting and were gone), and when the status counts
// moved. The summary (ms from the phase's start) shows stalls that CPU figures cannot.
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ResourceClient } from "../src/client/resource-client.ts";
import type { Watch } from "../src/client/watch.ts";

type Milestone = "created" | "bound" | "running" | "ready" | "deleting" | "gone";
const milestones: Milestone[] = ["created", "bound", "running", "ready", "deleting", "gone"];

interface Spread {
  count: number;
  first: number;
  p50: number;
  p90: number;
  last: number;
  /** The longest stretch between two successive pods reaching this milestone, and where it began. */
  longestGap: { ms: number; at: number };
}

function spread(times: number[]): Spread | undefined {
  if (times.length === 0) return undefined;
  const t = [...times].sort((a, b) => a - b);
  const at = (q: number) => Math.round(t[Math.min(t.length - 1, Math.floor(q * t.length))] ?? 0);
  let gap = { ms: 0, at: 0 };
  for (let i = 1; i < t.length; i++) {
    const d = (t[i] ?? 0) - (t[i - 1] ?? 0);
    if (d > gap.ms) gap = { ms: Math.round(d), at: Math.round(t[i - 1] ?? 0) };
  }
  return { count: t.length, first: at(0), p50: at(0.5), p90: at(0.9), last: at(1), longestGap: gap };
}

function isReady(p: Pod): boolean {
  return p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

export interface TimelineOptions {
  pods: ResourceClient<Pod>;
  deployments: ResourceClient<Deployment>;
  replicaSets: ResourceClient<ReplicaSet>;
  namespace: string;
  labelSelector: string;
  deployment: string;
  /** The Deployment's replicas: "all pods" milestones count this many. */
  replicas: number;
}

/** Records one phase; `summary()` once the phase is over. */
export class Timeline {
  private start = performance.now();
  private readonly seen = new Map<string, Partial<Record<Milestone, number>>>();
  /** Status changes of the Deployment: [ms, updated, ready, available, observedGeneration]. */
  private readonly deploymentStatus: number[][] = [];
  /** Status changes of each ReplicaSet: name → [ms, replicas, ready, available]. */
  private readonly replicaSetStatus = new Map<string, number[][]>();
  private readonly watches: Watch[] = [];

  private constructor(private readonly replicas: number) {}

  /** Opens the watches from "now" (the current resourceVersion of each list). */
  static async open(o: TimelineOptions): Promise<Timeline> {
    const t = new Timeline(o.replicas);
    const from = async (c: ResourceClient<Pod> | ResourceClient<Deployment> | ResourceClient<ReplicaSet>) =>
      (await c.list({ namespace: o.namespace, limit: 1 })).metadata.resourceVersion ?? "";
    const common = { namespace: o.namespace, timeoutSeconds: 3600 };
    t.watches.push(
      await o.pods.watch(
        { ...common, labelSelector: o.labelSelector, resourceVersion: await from(o.pods) },
        (e) => {
          if (e.type === "ADDED" || e.type === "MODIFIED") t.pod(e.object, false);
          else if (e.type === "DELETED") t.pod(e.object, true);
        },
      ),
      await o.deployments.watch(
        {
          ...common,
          fieldSelector: `metadata.name=${o.deployment}`,
          resourceVersion: await from(o.deployments),
        },
        (e) => {
          if (e.type !== "MODIFIED") return;
          const s = e.object.status ?? {};
          t.record(t.deploymentStatus, [
            s.updatedReplicas ?? 0,
            s.readyReplicas ?? 0,
            s.availableReplicas ?? 0,
            s.observedGeneration ?? 0,
          ]);
        },
      ),
      await o.replicaSets.watch(
        { ...common, labelSelector: o.labelSelector, resourceVersion: await from(o.replicaSets) },
        (e) => {
          if (e.type === "BOOKMARK" || e.type === "ERROR") return;
          const name = e.object.metadata?.name ?? "";
          const rows = t.replicaSetStatus.get(name) ?? [];
          t.replicaSetStatus.set(name, rows);
          const s = e.object.status;
          t.record(rows, [
            e.object.spec?.replicas ?? 0,
            s?.replicas ?? 0,
            s?.readyReplicas ?? 0,
            s?.availableReplicas ?? 0,
          ]);
        },
      ),
    );
    return t;
  }

  /** Times from here on (the phase's start, after the watches are open). */
  begin(): void {
    this.start = performance.now();
  }

  private now(): number {
    return Math.round(performance.now() - this.start);
  }

  /** Appends a row when the counts differ from the previous row. */
  private record(rows: number[][], counts: number[]): void {
    const last = rows[rows.length - 1];
    if (last?.slice(1).every((v, i) => v === counts[i])) return;
    rows.push([this.now(), ...counts]);
  }

  private mark(name: string, m: Milestone): void {
    const entry = this.seen.get(name) ?? {};
    this.seen.set(name, entry);
    entry[m] ??= this.now();
  }

  private pod(p: Pod, gone: boolean): void {
    const name = p.metadata?.name ?? "";
    // A pod first seen already bound was created before the phase: only its deletion is news.
    const fresh =
      !this.seen.has(name) && p.spec?.nodeName === undefined && p.metadata?.deletionTimestamp === undefined;
    if (fresh) this.mark(name, "created");
    if (p.spec?.nodeName && this.seen.get(name)?.created !== undefined) this.mark(name, "bound");
    if (this.seen.get(name)?.created !== undefined) {
      if (p.status?.phase === "Running") this.mark(name, "running");
      if (isReady(p)) this.mark(name, "ready");
    }
    if (p.metadata?.deletionTimestamp !== undefined) this.mark(name, "deleting");
    if (gone) this.mark(name, "gone");
  }

  stop(): void {
    for (const w of this.watches) w.stop();
  }

  /**
   * ms from the phase start until: the phase's N new pods were all created / bound / Running /
   * Ready; the newest ReplicaSet (and the Deployment) first reported all N available; the pods
   * replaced (a rollout) were all gone. Absent when not reached.
   */
  private milestones(pods: Record<string, Spread | undefined>): Record<string, number> {
    const out: Record<string, number> = {};
    const n = this.replicas;
    for (const m of ["created", "bound", "running", "ready"] as const) {
      const s = pods[m];
      if (s && s.count >= n) out[`all${m[0]?.toUpperCase()}${m.slice(1)}`] = s.last;
    }
    // The ReplicaSet that became available in this phase: not fully available when first seen.
    for (const rows of this.replicaSetStatus.values()) {
      if ((rows[0]?.[4] ?? 0) >= n) continue;
      const at = rows.find((r) => r[1] === n && (r[4] ?? 0) >= n)?.[0];
      if (at !== undefined) out.replicaSetAvailable = at;
    }
    // Complete again after the last row that was not (a rollout starts from a complete status).
    const done = (r: number[]) => (r[1] ?? 0) >= n && (r[3] ?? 0) >= n;
    const rows = this.deploymentStatus;
    let lastIncomplete = -1;
    rows.forEach((r, i) => {
      if (!done(r)) lastIncomplete = i;
    });
    const dAvailable = lastIncomplete >= 0 ? rows[lastIncomplete + 1]?.[0] : undefined;
    if (dAvailable !== undefined) out.deploymentAvailable = dAvailable;
    const gone = pods.gone;
    if (gone && gone.count >= n) out.allReplacedGone = gone.last;
    return out;
  }

  /** Milestone spreads (ms since the phase began) and the status rows, thinned to at most ~40 each. */
  summary(): Record<string, unknown> {
    this.stop();
    const pods: Record<string, Spread | undefined> = {};
    for (const m of milestones) {
      const times: number[] = [];
      for (const e of this.seen.values()) if (e[m] !== undefined) times.push(e[m]);
      const s = spread(times);
      if (s) pods[m] = s;
    }
    const thin = (rows: number[][]) => {
      const step = Math.max(1, Math.ceil(rows.length / 40));
      return rows.filter((_, i) => i % step === 0 || i === rows.length - 1);
    };
    const replicaSets: Record<string, number[][]> = {};
    for (const [name, rows] of this.replicaSetStatus) replicaSets[name] = thin(rows);
    return {
      milestones: this.milestones(pods),
      pods,
      deploymentStatus: {
        columns: "ms,updated,ready,available,observedGeneration",
        rows: thin(this.deploymentStatus),
      },
      replicaSetStatus: { columns: "ms,spec.replicas,replicas,ready,available", sets: replicaSets },
    };
  }
}
