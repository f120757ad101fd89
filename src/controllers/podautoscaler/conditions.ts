// HorizontalPodAutoscaler status conditions (AbleToScale, ScalingActive, ScalingLimited): set in
// place, with lastTransitionTime moving only when the status flips (upstream setCondition).
import type { HorizontalPodAutoscalerCondition } from "kubernetes-types/autoscaling/v2.js";

export type HpaConditionType = "AbleToScale" | "ScalingActive" | "ScalingLimited";

export function setCondition(
  conditions: HorizontalPodAutoscalerCondition[],
  type: HpaConditionType,
  status: boolean,
  reason: string,
  message: string,
  now: Date,
): void {
  const value = status ? "True" : "False";
  let c = conditions.find((x) => x.type === type);
  if (!c) {
    c = { type, status: value };
    conditions.push(c);
    c.lastTransitionTime = seconds(now);
  } else if (c.status !== value) c.lastTransitionTime = seconds(now);
  c.status = value;
  c.reason = reason;
  c.message = message;
}

/** metav1.Time serialises with second precision. */
export function seconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
