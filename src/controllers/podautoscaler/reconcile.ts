// One HPA sync (upstream reconcileAutoscaler): read the target's scale, compute the replicas the
// metrics ask for, stabilize and limit them, write the new scale, record the event, and write the
// status (current/desired replicas, current metrics, conditions, lastScaleTime) when it changed.
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerStatus,
} from "kubernetes-types/autoscaling/v2.js";
import { type ComputeDeps, computeReplicasForMetrics } from "./compute.ts";
import { seconds, setCondition } from "./conditions.ts";
import type { ScaleHistory } from "./normalize.ts";
import type { ScaleClient } from "./scale.ts";

export interface ReconcileDeps extends Omit<ComputeDeps, "warn"> {
  scales: ScaleClient;
  history: ScaleHistory;
  /** Writes the status subresource. */
  updateStatus: (hpa: HorizontalPodAutoscaler) => Promise<unknown>;
  event: (hpa: HorizontalPodAutoscaler, type: "Normal" | "Warning", reason: string, message: string) => void;
  now: () => Date;
}

const sameStatus = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Syncs one HPA; throws after writing what it could when the sync failed (the caller logs it). */
export async function reconcileAutoscaler(
  d: ReconcileDeps,
  shared: HorizontalPodAutoscaler,
  key: string,
): Promise<void> {
  const hpa = structuredClone(shared);
  hpa.apiVersion ??= "autoscaling/v2";
  hpa.kind ??= "HorizontalPodAutoscaler";
  const original = structuredClone(hpa.status ?? { desiredReplicas: 0 });
  const status: HorizontalPodAutoscalerStatus = structuredClone(original);
  status.conditions ??= [];
  const conditions = status.conditions;
  hpa.status = status;
  const now = d.now();
  const warn = (reason: string, message: string) => d.event(hpa, "Warning", reason, message);
  const ref = hpa.spec?.scaleTargetRef ?? { kind: "", name: "" };
  const namespace = hpa.metadata?.namespace ?? "";
  const reference = `${ref.kind}/${namespace}/${ref.name}`;
  const writeStatus = async (): Promise<void> => {
    if (!conditions.length) delete status.conditions;
    if (!sameStatus(original, status)) {
      try {
        await d.updateStatus(hpa);
      } catch (err) {
        warn("FailedUpdateStatus", (err as Error).message);
        throw new Error(`failed to update status for ${hpa.metadata?.name}: ${(err as Error).message}`);
      }
    }
  };

  let scale: Scale;
  let target: Awaited<ReturnType<ScaleClient["target"]>>;
  try {
    target = await d.scales.target(ref, namespace);
    scale = await d.scales.get(target);
  } catch (err) {
    const message = (err as Error).message;
    warn("FailedGetScale", message);
    setCondition(
      conditions,
      "AbleToScale",
      false,
      "FailedGetScale",
      `the HPA controller was unable to get the target's current scale: ${message}`,
      now,
    );
    await writeStatus().catch(() => {});
    throw new Error(`failed to query scale subresource for ${reference}: ${message}`);
  }
  setCondition(
    conditions,
    "AbleToScale",
    true,
    "SucceededGetScale",
    "the HPA controller was able to get the target's current scale",
    now,
  );
  const currentReplicas = scale.spec?.replicas ?? 0;
  d.history.recordInitial(key, currentReplicas, now.getTime());
  const minReplicas = hpa.spec?.minReplicas ?? 1;
  const maxReplicas = hpa.spec?.maxReplicas ?? 0;
  let desiredReplicas = 0;
  let rescaleReason = "";
  let rescale = true;
  let metricStatuses = status.currentMetrics;
  let partialError: Error | undefined;

  if (currentReplicas === 0 && minReplicas !== 0) {
    rescale = false;
    setCondition(
      conditions,
      "ScalingActive",
      false,
      "ScalingDisabled",
      "scaling is disabled since the replica count of the target is zero",
      now,
    );
  } else if (currentReplicas > maxReplicas) {
    rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    desiredReplicas = maxReplicas;
  } else if (currentReplicas < minReplicas) {
    rescaleReason = "Current number of replicas below Spec.MinReplicas";
    desiredReplicas = minReplicas;
  } else {
    const selector = scale.status?.selector ?? "";
    let outcome: Awaited<ReturnType<typeof computeReplicasForMetrics>>;
    if (selector === "") {
      warn("SelectorRequired", "selector is required");
      setCondition(
        conditions,
        "ScalingActive",
        false,
        "InvalidSelector",
        "the HPA target's scale is missing a selector",
        now,
      );
      outcome = { replicas: -1, metricName: "", statuses: [], error: new Error("selector is required") };
    } else {
      outcome = await computeReplicasForMetrics({ ...d, warn }, hpa, {
        specReplicas: currentReplicas,
        selector,
      });
      const active = outcome.condition;
      if (active)
        setCondition(
          conditions,
          "ScalingActive",
          active.status === "True",
          active.reason ?? "",
          active.message ?? "",
          now,
        );
    }
    metricStatuses = outcome.statuses;
    if (outcome.replicas === -1) {
      setStatus(status, currentReplicas, status.desiredReplicas, metricStatuses, false, now);
      await writeStatus();
      const message = outcome.error?.message ?? "";
      warn("FailedComputeMetricsReplicas", message);
      throw new Error(
        `failed to compute desired number of replicas based on listed metrics for ${reference}: ${message}`,
      );
    }
    partialError = outcome.error;
    desiredReplicas = outcome.replicas;
    if (desiredReplicas > currentReplicas) rescaleReason = `${outcome.metricName} above target`;
    if (desiredReplicas < currentReplicas) rescaleReason = "All metrics below target";
    const verdict = d.history.normalize({
      key,
      currentReplicas,
      desiredReplicas,
      minReplicas,
      maxReplicas,
      behavior: hpa.spec?.behavior,
      now: now.getTime(),
    });
    setCondition(conditions, "AbleToScale", true, verdict.able.reason, verdict.able.message, now);
    setCondition(
      conditions,
      "ScalingLimited",
      verdict.limited.limited,
      verdict.limited.reason,
      verdict.limited.message,
      now,
    );
    desiredReplicas = verdict.replicas;
    rescale = desiredReplicas !== currentReplicas;
  }

  if (rescale) {
    try {
      await d.scales.update(target, { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } });
    } catch (err) {
      const message = (err as Error).message;
      warn("FailedRescale", `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${message}`);
      setCondition(
        conditions,
        "AbleToScale",
        false,
        "FailedUpdateScale",
        `the HPA controller was unable to update the target scale: ${message}`,
        now,
      );
      setStatus(status, currentReplicas, status.desiredReplicas, metricStatuses, false, now);
      await writeStatus().catch(() => {});
      throw new Error(`failed to rescale ${reference}: ${message}`);
    }
    setCondition(
      conditions,
      "AbleToScale",
      true,
      "SucceededRescale",
      `the HPA controller was able to update the target scale to ${desiredReplicas}`,
      now,
    );
    d.event(hpa, "Normal", "SuccessfulRescale", `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
    d.history.storeScaleEvent(key, hpa.spec?.behavior, currentReplicas, desiredReplicas, now.getTime());
  } else {
    desiredReplicas = currentReplicas;
  }
  setStatus(status, currentReplicas, desiredReplicas, metricStatuses, rescale, now);
  await writeStatus();
  if (partialError) throw partialError;
}

/** setStatus: replicas and metrics replaced, lastScaleTime moved on a rescale, conditions kept. */
function setStatus(
  status: HorizontalPodAutoscalerStatus,
  currentReplicas: number,
  desiredReplicas: number,
  metrics: HorizontalPodAutoscalerStatus["currentMetrics"],
  rescale: boolean,
  now: Date,
): void {
  status.currentReplicas = currentReplicas;
  status.desiredReplicas = desiredReplicas;
  if (metrics && metrics.length > 0) status.currentMetrics = metrics;
  else delete status.currentMetrics;
  if (rescale) status.lastScaleTime = seconds(now);
}
