// The replica calculator (upstream replica_calculator.go): from the selected pods and their usage,
// the replica count a resource metric asks for, with the 10% tolerance, pods without metrics
// counted pessimistically, and unready or still-starting pods left out of CPU scale-ups.
import type { Pod } from "kubernetes-types/core/v1.js";
import { Quantity } from "../../api/quantity.ts";
import type { PodMetricsInfo } from "./metrics.ts";

export interface CalculatorOptions {
  /** --horizontal-pod-autoscaler-tolerance (default 0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (default 5 min). */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (default 30 s). */
  delayOfInitialReadinessStatusMs: number;
  now: Date;
}

export const defaultCalculatorOptions = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

const time = (t: string | undefined): number => (t ? Date.parse(t) : Number.NaN);

/** Whether a pod's CPU sample must be set aside: not ready, or still warming up. */
function cpuUnready(pod: Pod, sample: { timestamp: Date; windowMs: number }, o: CalculatorOptions): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  const start = time(pod.status?.startTime);
  if (!ready || Number.isNaN(start)) return true;
  const transition = time(ready.lastTransitionTime);
  if (start + o.cpuInitializationPeriodMs > o.now.getTime()) {
    // Within the initialization period: unready, or no full window measured since it became ready.
    return ready.status === "False" || sample.timestamp.getTime() < transition + sample.windowMs;
  }
  // Afterwards only a pod that never became ready is set aside.
  return ready.status === "False" && start + o.delayOfInitialReadinessStatusMs > transition;
}

export function groupPods(
  pods: readonly Pod[],
  metrics: PodMetricsInfo,
  resource: string,
  o: CalculatorOptions,
): PodGroups {
  const g: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata?.name ?? "";
    if (pod.metadata?.deletionTimestamp || pod.status?.phase === "Failed") {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === "Pending") {
      g.unready.add(name);
      continue;
    }
    const sample = metrics.get(name);
    if (!sample) {
      g.missing.add(name);
      continue;
    }
    if (resource === "cpu" && cpuUnready(pod, sample, o)) {
      g.unready.add(name);
      continue;
    }
    g.readyPodCount++;
  }
  return g;
}

/** Requests of `resource` per pod in milli-units (regular and restartable init containers). */
export function podRequests(pods: readonly Pod[], resource: string, container?: string): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const containers = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
    ];
    let sum = 0;
    for (const c of containers) {
      if (container !== undefined && c.name !== container) continue;
      const text = c.resources?.requests?.[resource];
      const q = text === undefined ? undefined : Quantity.tryParse(String(text));
      if (!q) {
        throw new Error(
          `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata?.name ?? ""}`,
        );
      }
      sum += Number(q.milliValue());
    }
    requests.set(pod.metadata?.name ?? "", sum);
  }
  return requests;
}

/** GetResourceUtilizationRatio: usage over requests of the pods having both. */
export function utilizationRatio(
  metrics: PodMetricsInfo,
  requests: Map<string, number>,
  targetUtilization: number,
): { ratio: number; utilization: number; rawAverage: number } {
  let usage = 0;
  let requested = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    usage += m.value;
    requested += r;
    entries++;
  }
  if (requested === 0) throw new Error("no metrics returned matched known pods");
  const utilization = Math.trunc((usage * 100) / requested);
  return { ratio: utilization / targetUtilization, utilization, rawAverage: Math.trunc(usage / entries) };
}

function usageRatio(metrics: PodMetricsInfo, target: number): { ratio: number; average: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const average = Math.trunc(total / metrics.size);
  return { ratio: average / target, average };
}

export interface ResourceReplicasInput {
  currentReplicas: number;
  pods: readonly Pod[];
  metrics: PodMetricsInfo;
  resource: string;
  container?: string;
}

function prepare(input: ResourceReplicasInput, o: CalculatorOptions) {
  if (input.pods.length === 0)
    throw new Error("no pods returned by selector while calculating replica count");
  const metrics: PodMetricsInfo = new Map(input.metrics);
  const groups = groupPods(input.pods, metrics, input.resource, o);
  for (const name of [...groups.ignored, ...groups.unready]) metrics.delete(name);
  return { metrics, groups };
}

/**
 * The shared tail of both calculations: returns the replicas once pods without metrics and
 * unready pods are filled in pessimistically, or the current count when that flips the direction.
 */
function rebalance(
  current: number,
  ratio: number,
  newRatio: () => number,
  size: () => number,
  tolerance: number,
): number {
  const next = newRatio();
  if (Math.abs(1 - next) <= tolerance || (ratio < 1 && next > 1) || (ratio > 1 && next < 1)) return current;
  const replicas = Math.ceil(next * size());
  if ((next < 1 && replicas > current) || (next > 1 && replicas < current)) return current;
  return replicas;
}

/** GetResourceReplicas: a target utilization (percent of request). */
export function resourceReplicas(
  input: ResourceReplicasInput & { targetUtilization: number },
  o: CalculatorOptions,
): { replicas: number; utilization: number; rawAverage: number } {
  const { metrics, groups } = prepare(input, o);
  const requests = podRequests(input.pods, input.resource, input.container);
  if (metrics.size === 0)
    throw new Error("did not receive metrics for targeted pods (pods might be unready)");
  const first = utilizationRatio(metrics, requests, input.targetUtilization);
  const result = (replicas: number) => ({
    replicas,
    utilization: first.utilization,
    rawAverage: first.rawAverage,
  });
  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= o.tolerance) return result(input.currentReplicas);
    return result(Math.ceil(first.ratio * groups.readyPodCount));
  }
  if (first.ratio < 1) {
    // Scale-down: pods without metrics count as using their request (or the target above 100%).
    const fallback = Math.max(100, input.targetUtilization);
    for (const name of groups.missing)
      fill(metrics, name, Math.trunc(((requests.get(name) ?? 0) * fallback) / 100));
  } else if (first.ratio > 1) {
    for (const name of groups.missing) fill(metrics, name, 0);
  }
  if (scaleUpWithUnready) for (const name of groups.unready) fill(metrics, name, 0);
  return result(
    rebalance(
      input.currentReplicas,
      first.ratio,
      () => utilizationRatio(metrics, requests, input.targetUtilization).ratio,
      () => metrics.size,
      o.tolerance,
    ),
  );
}

/** GetRawResourceReplicas: a target average value per pod (milli-units). */
export function rawResourceReplicas(
  input: ResourceReplicasInput & { targetAverageValue: number },
  o: CalculatorOptions,
): { replicas: number; average: number } {
  const { metrics, groups } = prepare(input, o);
  if (metrics.size === 0)
    throw new Error("did not receive metrics for targeted pods (pods might be unready)");
  const first = usageRatio(metrics, input.targetAverageValue);
  const result = (replicas: number) => ({ replicas, average: first.average });
  const scaleUpWithUnready = groups.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && groups.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= o.tolerance) return result(input.currentReplicas);
    return result(Math.ceil(first.ratio * groups.readyPodCount));
  }
  for (const name of groups.missing) fill(metrics, name, first.ratio < 1 ? input.targetAverageValue : 0);
  if (scaleUpWithUnready) for (const name of groups.unready) fill(metrics, name, 0);
  return result(
    rebalance(
      input.currentReplicas,
      first.ratio,
      () => usageRatio(metrics, input.targetAverageValue).ratio,
      () => metrics.size,
      o.tolerance,
    ),
  );
}

function fill(metrics: PodMetricsInfo, name: string, value: number): void {
  metrics.set(name, { value, timestamp: new Date(0), windowMs: 0 });
}
