// Replica proposals from an HPA's metrics (upstream computeReplicasForMetrics): each Resource or
// ContainerResource metric is measured, the largest proposal wins, and the statuses, condition
// and events say what happened. Other metric sources need custom/external metrics APIs Skiff does
// not serve; they fail like a metric whose API is missing.
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  MetricSpec,
  MetricStatus,
  MetricTarget,
} from "kubernetes-types/autoscaling/v2.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { Quantity } from "../../api/quantity.ts";
import type { ResourceMetricsClient } from "./metrics.ts";
import { type CalculatorOptions, rawResourceReplicas, resourceReplicas } from "./replicas.ts";

export interface ComputeDeps {
  metrics: ResourceMetricsClient;
  /** Pods of the namespace that the selector matches (from the informer cache). */
  pods: (namespace: string, selector: string) => Pod[];
  calculator: CalculatorOptions;
  /** Records a Warning event on the HPA. */
  warn: (reason: string, message: string) => void;
}

interface Proposal {
  replicas: number;
  name: string;
  status: MetricStatus;
}

class MetricFailure extends Error {
  constructor(
    message: string,
    readonly condition: HorizontalPodAutoscalerCondition,
  ) {
    super(message);
  }
}

const milli = (q: unknown): number => Number(Quantity.parse(String(q)).milliValue());
const milliQuantity = (v: number): string => Quantity.fromMilli(BigInt(v)).toString();

async function resourceProposal(
  d: ComputeDeps,
  o: { namespace: string; selector: string; currentReplicas: number },
  source: { name: string; target: MetricTarget; container?: string },
): Promise<{ replicas: number; name: string; current: NonNullable<MetricStatus["resource"]>["current"] }> {
  const container = source.container;
  const measure = async () => {
    try {
      return await d.metrics.getResourceMetric({
        resource: source.name,
        namespace: o.namespace,
        selector: o.selector,
        ...(container !== undefined ? { container } : {}),
      });
    } catch (err) {
      throw new Error(`unable to get metrics for resource ${source.name}: ${(err as Error).message}`);
    }
  };
  const input = (metrics: Awaited<ReturnType<typeof measure>>["metrics"]) => ({
    currentReplicas: o.currentReplicas,
    pods: d.pods(o.namespace, o.selector),
    metrics,
    resource: source.name,
    ...(container !== undefined ? { container } : {}),
  });
  if (source.target.averageValue !== undefined) {
    try {
      const { metrics } = await measure();
      const r = rawResourceReplicas(
        { ...input(metrics), targetAverageValue: milli(source.target.averageValue) },
        d.calculator,
      );
      return {
        replicas: r.replicas,
        name: `${source.name} resource`,
        current: { averageValue: milliQuantity(r.average) },
      };
    } catch (err) {
      throw new Error(`failed to get ${source.name} usage: ${(err as Error).message}`);
    }
  }
  if (source.target.averageUtilization === undefined) {
    throw new Error(
      "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set",
    );
  }
  try {
    const { metrics } = await measure();
    const r = resourceReplicas(
      { ...input(metrics), targetUtilization: source.target.averageUtilization },
      d.calculator,
    );
    const kind = container !== undefined ? "container resource" : "resource";
    return {
      replicas: r.replicas,
      name: `${source.name} ${kind} utilization (percentage of request)`,
      current: { averageUtilization: r.utilization, averageValue: milliQuantity(r.rawAverage) },
    };
  } catch (err) {
    throw new Error(`failed to get ${source.name} utilization: ${(err as Error).message}`);
  }
}

function unable(d: ComputeDeps, reason: string, err: Error): HorizontalPodAutoscalerCondition {
  d.warn(reason, err.message);
  return {
    type: "ScalingActive",
    status: "False",
    reason,
    message: `the HPA was unable to compute the replica count: ${err.message}`,
  };
}

async function proposal(
  d: ComputeDeps,
  o: { namespace: string; selector: string; currentReplicas: number },
  spec: MetricSpec,
): Promise<Proposal> {
  if (spec.type === "Resource" && spec.resource) {
    const r = spec.resource;
    try {
      const p = await resourceProposal(d, o, r);
      return {
        replicas: p.replicas,
        name: p.name,
        status: { type: "Resource", resource: { name: r.name, current: p.current } },
      };
    } catch (err) {
      const e = err as Error;
      throw new MetricFailure(
        `failed to get ${r.name} resource metric value: ${e.message}`,
        unable(d, "FailedGetResourceMetric", e),
      );
    }
  }
  if (spec.type === "ContainerResource" && spec.containerResource) {
    const c = spec.containerResource;
    try {
      const p = await resourceProposal(d, o, c);
      return {
        replicas: p.replicas,
        name: p.name,
        status: {
          type: "ContainerResource",
          containerResource: { name: c.name, container: c.container, current: p.current },
        },
      };
    } catch (err) {
      const e = err as Error;
      throw new MetricFailure(
        `failed to get ${c.container} container metric value: ${e.message}`,
        unable(d, "FailedGetContainerResourceMetric", e),
      );
    }
  }
  const reason =
    { Pods: "FailedGetPodsMetric", Object: "FailedGetObjectMetric", External: "FailedGetExternalMetric" }[
      spec.type
    ] ?? "InvalidMetricSourceType";
  const e = new Error(
    reason === "InvalidMetricSourceType"
      ? `unknown metric source type "${spec.type}"`
      : `unable to get metric: the server could not find the requested resource (${spec.type === "External" ? "external.metrics.k8s.io" : "custom.metrics.k8s.io"} is not served)`,
  );
  throw new MetricFailure(e.message, unable(d, reason, e));
}

export interface MetricsOutcome {
  /** -1 when nothing could be computed (the caller must not scale). */
  replicas: number;
  metricName: string;
  statuses: MetricStatus[];
  /** The condition to set (ScalingActive), true or the first failure's. */
  condition?: HorizontalPodAutoscalerCondition;
  error?: Error;
}

export async function computeReplicasForMetrics(
  d: ComputeDeps,
  hpa: HorizontalPodAutoscaler,
  scale: { specReplicas: number; selector: string },
): Promise<MetricsOutcome> {
  const specs = hpa.spec?.metrics ?? [];
  const o = {
    namespace: hpa.metadata?.namespace ?? "",
    selector: scale.selector,
    currentReplicas: scale.specReplicas,
  };
  // A failed metric keeps an empty status in its slot, so statuses line up with specs.
  const statuses: MetricStatus[] = specs.map(() => ({ type: "" }));
  let replicas = 0;
  let metricName = "";
  let invalid = 0;
  let first: MetricFailure | undefined;
  for (const [i, spec] of specs.entries()) {
    try {
      const p = await proposal(d, o, spec);
      statuses[i] = p.status;
      if (replicas === 0 || p.replicas > replicas) [replicas, metricName] = [p.replicas, p.name];
    } catch (err) {
      invalid++;
      first ??=
        err instanceof MetricFailure
          ? err
          : new MetricFailure(String(err), unable(d, "InvalidMetricSourceType", err as Error));
    }
  }
  const error = first
    ? new Error(
        `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${first.message}`,
      )
    : undefined;
  // All metrics failed, or some failed and the rest would scale down: do not act on partial data.
  if (first && (invalid >= specs.length || replicas < scale.specReplicas)) {
    return {
      replicas: -1,
      metricName: "",
      statuses,
      condition: first.condition,
      ...(error ? { error } : {}),
    };
  }
  return {
    replicas,
    metricName,
    statuses,
    condition: {
      type: "ScalingActive",
      status: "True",
      reason: "ValidMetricFound",
      message: `the HPA was able to successfully calculate a replica count from ${metricName}`,
    },
    ...(error ? { error } : {}),
  };
}
