// From the replicas the metrics ask for to the replicas the autoscaler sets (upstream
// normalizeDesiredReplicas[WithBehaviors]): stabilization windows over recent recommendations,
// scale-rate policies over recent scale events, and min/max clamping, each with the condition
// reason and message Kubernetes reports. The history is per HPA key and lives in memory, as upstream.
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from "kubernetes-types/autoscaling/v2.js";

interface Recommendation {
  replicas: number;
  at: number;
}
interface ScaleEvent {
  change: number;
  at: number;
  outdated: boolean;
}

export interface Verdict {
  replicas: number;
  /** AbleToScale (True) reason and message. */
  able: { reason: string; message: string };
  /** ScalingLimited: limited = status True. */
  limited: { limited: boolean; reason: string; message: string };
}

export interface NormalizeInput {
  key: string;
  currentReplicas: number;
  desiredReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  behavior: HorizontalPodAutoscalerBehavior | undefined;
  now: number;
}

const scaleUpLimitFactor = 2;
const scaleUpLimitMinimum = 4;

const stabilizedDown = {
  reason: "ScaleDownStabilized",
  message: "recent recommendations were higher than current one, applying the highest recent recommendation",
};
const stabilizedUp = {
  reason: "ScaleUpStabilized",
  message: "recent recommendations were lower than current one, applying the lowest recent recommendation",
};
const readyForNewScale = { reason: "ReadyForNewScale", message: "recommended size matches current size" };
const withinRange = {
  reason: "DesiredWithinRange",
  message: "the desired count is within the acceptable range",
};
const scaleUpLimit = {
  reason: "ScaleUpLimit",
  message: "the desired replica count is increasing faster than the maximum scale rate",
};
const tooMany = {
  reason: "TooManyReplicas",
  message: "the desired replica count is more than the maximum replica count",
};
const scaleDownLimit = {
  reason: "ScaleDownLimit",
  message: "the desired replica count is decreasing faster than the maximum scale rate",
};
const tooFew = {
  reason: "TooFewReplicas",
  message: "the desired replica count is less than the minimum replica count",
};

function changeInPeriod(periodSeconds: number, events: readonly ScaleEvent[], now: number): number {
  const cutoff = now - periodSeconds * 1000;
  let sum = 0;
  for (const e of events) if (e.at > cutoff) sum += e.change;
  return sum;
}

function longestPeriod(rules: HPAScalingRules | undefined): number {
  return Math.max(0, ...(rules?.policies ?? []).map((p) => p.periodSeconds));
}

/** The recommendation and scale-event history of every HPA this controller syncs. */
export class ScaleHistory {
  private readonly recommendations = new Map<string, Recommendation[]>();
  private readonly scaleUps = new Map<string, ScaleEvent[]>();
  private readonly scaleDowns = new Map<string, ScaleEvent[]>();

  /** @param downscaleStabilizationMs --horizontal-pod-autoscaler-downscale-stabilization. */
  constructor(private readonly downscaleStabilizationMs: number) {}

  forget(key: string): void {
    this.recommendations.delete(key);
    this.scaleUps.delete(key);
    this.scaleDowns.delete(key);
  }

  /** recordInitialRecommendation: the current size counts as the first recommendation. */
  recordInitial(key: string, replicas: number, now: number): void {
    if (!this.recommendations.has(key)) this.recommendations.set(key, [{ replicas, at: now }]);
  }

  private record(
    key: string,
    replicas: number,
    now: number,
    isObsolete: (r: Recommendation) => boolean,
  ): void {
    const list = this.recommendations.get(key) ?? [];
    let oldIndex = -1;
    list.forEach((r, i) => {
      if (isObsolete(r)) oldIndex = i;
    });
    if (oldIndex >= 0) list[oldIndex] = { replicas, at: now };
    else list.push({ replicas, at: now });
    this.recommendations.set(key, list);
  }

  normalize(i: NormalizeInput): Verdict {
    return i.behavior ? this.withBehavior(i, i.behavior) : this.withoutBehavior(i);
  }

  private withoutBehavior(i: NormalizeInput): Verdict {
    const cutoff = i.now - this.downscaleStabilizationMs;
    let stabilized = i.desiredReplicas;
    for (const r of this.recommendations.get(i.key) ?? []) {
      if (r.at >= cutoff && r.replicas > stabilized) stabilized = r.replicas;
    }
    this.record(i.key, i.desiredReplicas, i.now, (r) => r.at < cutoff);
    const able = stabilized !== i.desiredReplicas ? stabilizedDown : readyForNewScale;
    // Without behavior, upstream still caps a scale-up at max(2 x current, 4).
    const upLimit = Math.max(scaleUpLimitFactor * i.currentReplicas, scaleUpLimitMinimum);
    const [maxAllowed, maxReason] =
      i.maxReplicas > upLimit ? [upLimit, scaleUpLimit] : [i.maxReplicas, tooMany];
    let replicas = stabilized;
    let why = withinRange;
    if (stabilized < i.minReplicas) [replicas, why] = [i.minReplicas, tooFew];
    else if (stabilized > maxAllowed) [replicas, why] = [maxAllowed, maxReason];
    return { replicas, able, limited: { limited: replicas !== stabilized, ...why } };
  }

  private withBehavior(i: NormalizeInput, behavior: HorizontalPodAutoscalerBehavior): Verdict {
    const up = behavior.scaleUp;
    const down = behavior.scaleDown;
    const upWindowMs = (up?.stabilizationWindowSeconds ?? 0) * 1000;
    const downWindowMs =
      down?.stabilizationWindowSeconds !== undefined
        ? down.stabilizationWindowSeconds * 1000
        : this.downscaleStabilizationMs;
    const upCutoff = i.now - upWindowMs;
    const downCutoff = i.now - downWindowMs;
    let upRecommendation = i.desiredReplicas;
    let downRecommendation = i.desiredReplicas;
    for (const r of this.recommendations.get(i.key) ?? []) {
      if (r.at > upCutoff) upRecommendation = Math.min(r.replicas, upRecommendation);
      if (r.at > downCutoff) downRecommendation = Math.max(r.replicas, downRecommendation);
    }
    let stabilized = Math.max(i.currentReplicas, upRecommendation);
    stabilized = Math.min(stabilized, downRecommendation);
    this.record(i.key, i.desiredReplicas, i.now, (r) => r.at < upCutoff && r.at < downCutoff);
    const able =
      stabilized === i.desiredReplicas
        ? readyForNewScale
        : i.desiredReplicas >= i.currentReplicas
          ? stabilizedUp
          : stabilizedDown;
    const { replicas, why } = this.rateLimit({ ...i, desiredReplicas: stabilized }, behavior);
    return { replicas, able, limited: { limited: replicas !== stabilized, ...why } };
  }

  /** convertDesiredReplicasWithBehaviorRate. */
  private rateLimit(
    i: NormalizeInput,
    behavior: HorizontalPodAutoscalerBehavior,
  ): { replicas: number; why: { reason: string; message: string } } {
    const ups = this.scaleUps.get(i.key) ?? [];
    const downs = this.scaleDowns.get(i.key) ?? [];
    if (i.desiredReplicas > i.currentReplicas) {
      const limit = Math.max(
        i.currentReplicas,
        upLimitWithRules(i.currentReplicas, ups, downs, behavior.scaleUp, i.now),
      );
      const [maxAllowed, why] = i.maxReplicas > limit ? [limit, scaleUpLimit] : [i.maxReplicas, tooMany];
      if (i.desiredReplicas > maxAllowed) return { replicas: maxAllowed, why };
    } else if (i.desiredReplicas < i.currentReplicas) {
      const limit = Math.min(
        i.currentReplicas,
        downLimitWithRules(i.currentReplicas, ups, downs, behavior.scaleDown, i.now),
      );
      const [minAllowed, why] = i.minReplicas < limit ? [limit, scaleDownLimit] : [i.minReplicas, tooFew];
      if (i.desiredReplicas < minAllowed) return { replicas: minAllowed, why };
    }
    return { replicas: i.desiredReplicas, why: withinRange };
  }

  /** storeScaleEvent: remembered only with behavior, reusing a slot older than the longest period. */
  storeScaleEvent(
    key: string,
    behavior: HorizontalPodAutoscalerBehavior | undefined,
    from: number,
    to: number,
    now: number,
  ): void {
    if (!behavior) return;
    const upward = to > from;
    const map = upward ? this.scaleUps : this.scaleDowns;
    const cutoff = now - longestPeriod(upward ? behavior.scaleUp : behavior.scaleDown) * 1000;
    const list = map.get(key) ?? [];
    let oldIndex = -1;
    list.forEach((e, idx) => {
      if (e.at < cutoff) e.outdated = true;
      if (e.outdated) oldIndex = idx;
    });
    const event = { change: Math.abs(to - from), at: now, outdated: false };
    if (oldIndex >= 0) list[oldIndex] = event;
    else list.push(event);
    map.set(key, list);
  }
}

function upLimitWithRules(
  current: number,
  ups: readonly ScaleEvent[],
  downs: readonly ScaleEvent[],
  rules: HPAScalingRules | undefined,
  now: number,
): number {
  const select = rules?.selectPolicy ?? "Max";
  if (select === "Disabled") return current;
  let result = select === "Min" ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const p of rules?.policies ?? []) {
    const start =
      current - changeInPeriod(p.periodSeconds, ups, now) + changeInPeriod(p.periodSeconds, downs, now);
    const proposed = p.type === "Pods" ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    result = select === "Min" ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}

function downLimitWithRules(
  current: number,
  ups: readonly ScaleEvent[],
  downs: readonly ScaleEvent[],
  rules: HPAScalingRules | undefined,
  now: number,
): number {
  const select = rules?.selectPolicy ?? "Max";
  if (select === "Disabled") return current;
  let result = select === "Min" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const p of rules?.policies ?? []) {
    const start =
      current - changeInPeriod(p.periodSeconds, ups, now) + changeInPeriod(p.periodSeconds, downs, now);
    const proposed = p.type === "Pods" ? start - p.value : Math.trunc(start * (1 - p.value / 100));
    result = select === "Min" ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return Number.isFinite(result) ? result : current;
}
