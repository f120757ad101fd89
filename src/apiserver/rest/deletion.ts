// What one DELETE does to an object, decided without I/O: Kubernetes' BeforeDelete (graceful
// deletion, shortening only), the generic store's finalizer handling (markAsDeleting) and the
// namespace registry's termination; plus the rule for deleting an object during an update.
import type { LifecycleStrategy } from "../../api/lifecycle.ts";
import type { KubeObject } from "../../api/object.ts";
import { jsonEqual } from "./jsonequal.ts";
import { meta, timestamp } from "./meta.ts";

export type PropagationPolicy = "Orphan" | "Background" | "Foreground";

export interface DeletionRequest {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
}

export type DeletionPlan =
  /** Nothing to write: a graceful deletion is already pending, or finalization is. */
  | { action: "keep" }
  /** Store the object as terminating (deletionTimestamp, finalizers, phase). */
  | { action: "update"; object: KubeObject }
  | { action: "delete" };

/** The finalizers the object should carry for a propagation policy (garbage-collector markers). */
export function finalizersFor(current: readonly string[], policy: PropagationPolicy | undefined): string[] {
  const rest = current.filter((f) => f !== "orphan" && f !== "foregroundDeletion");
  if (policy === "Orphan") return [...rest, "orphan"];
  if (policy === "Foreground") return [...rest, "foregroundDeletion"];
  if (policy === "Background") return rest;
  return [...current];
}

function setFinalizers(obj: KubeObject, finalizers: string[]): void {
  const m = meta(obj);
  if (finalizers.length > 0 || m.finalizers !== undefined) m.finalizers = finalizers;
}

function bumpGeneration(obj: KubeObject): void {
  const m = meta(obj);
  if (m.generation !== undefined && m.generation > 0) m.generation += 1;
}

/** The generic store's markAsDeleting: finalizers hold the object, no grace period applies. */
function markAsDeleting(obj: KubeObject, now: Date): void {
  const m = meta(obj);
  if (!m.deletionTimestamp) bumpGeneration(obj);
  if (!m.deletionTimestamp || Date.parse(m.deletionTimestamp) > now.getTime()) {
    m.deletionTimestamp = timestamp(now);
  }
  m.deletionGracePeriodSeconds = 0;
}

/** A write that changes nothing is no write (no resourceVersion bump, no watch event). */
function updateOrKeep(current: KubeObject, next: KubeObject): DeletionPlan {
  return jsonEqual(next, current) ? { action: "keep" } : { action: "update", object: next };
}

export function planDeletion(
  current: KubeObject,
  request: DeletionRequest,
  lifecycle: LifecycleStrategy,
  now: Date,
): DeletionPlan {
  // Negative grace periods mean "as soon as possible", which Kubernetes spells 1 second.
  const requested = request.gracePeriodSeconds;
  const grace = requested !== undefined && requested < 0 ? 1 : requested;
  const next = structuredClone(current);
  const m = meta(next);
  if (m.deletionGracePeriodSeconds !== undefined && m.deletionGracePeriodSeconds < 0) {
    m.deletionGracePeriodSeconds = 1;
  }

  if (lifecycle.beginTermination) {
    if (!m.deletionTimestamp) {
      m.deletionTimestamp = timestamp(now);
      lifecycle.beginTermination(next);
      setFinalizers(next, finalizersFor(m.finalizers ?? [], request.propagationPolicy));
      return { action: "update", object: next };
    }
    if (lifecycle.pendingFinalization?.(current)) return { action: "keep" };
  }

  let graceful = false;
  let period = 0;
  if (lifecycle.gracefulDeleteSeconds) {
    const pendingGrace = m.deletionGracePeriodSeconds;
    if (m.deletionTimestamp) {
      // Already terminating: only a shorter grace period changes anything. Without a grace
      // period on record (finalizers hold it) deletion proceeds as for other kinds.
      if (pendingGrace !== undefined && pendingGrace !== 0) {
        if (grace === undefined || grace >= pendingGrace) return { action: "keep" };
        const started = Date.parse(m.deletionTimestamp) - pendingGrace * 1000;
        m.deletionTimestamp = timestamp(new Date(started + grace * 1000));
        m.deletionGracePeriodSeconds = grace;
        graceful = true;
        period = grace;
      }
    } else {
      period = lifecycle.gracefulDeleteSeconds(
        next,
        grace === undefined ? {} : { gracePeriodSeconds: grace },
      );
      m.deletionTimestamp = timestamp(new Date(now.getTime() + period * 1000));
      m.deletionGracePeriodSeconds = period;
      bumpGeneration(next);
      graceful = true;
    }
  }

  const before = m.finalizers ?? [];
  const finalizers = finalizersFor(before, request.propagationPolicy);
  const finalizersChanged = finalizers.join("\n") !== before.join("\n");
  if (!graceful && finalizers.length === 0 && !finalizersChanged) return { action: "delete" };
  setFinalizers(next, finalizers);
  if (finalizers.length > 0) {
    if (!graceful) markAsDeleting(next, now);
    return updateOrKeep(current, next);
  }
  if (graceful && period > 0) return updateOrKeep(current, next);
  return { action: "delete" };
}

/**
 * The generic store's ShouldDeleteDuringUpdate, with the namespace rule on top: an update that
 * leaves a terminating object without finalizers completes its deletion, unless a grace period
 * is running (a pod waiting for its kubelet).
 */
export function shouldDeleteDuringUpdate(
  next: KubeObject,
  old: KubeObject,
  lifecycle: LifecycleStrategy,
): boolean {
  if ((next.metadata?.finalizers ?? []).length > 0) return false;
  const o = old.metadata ?? {};
  if (!o.deletionTimestamp) return false;
  if (o.deletionGracePeriodSeconds !== undefined && o.deletionGracePeriodSeconds !== 0) return false;
  return !lifecycle.pendingFinalization?.(next);
}
