// pods/eviction: deletion that respects PodDisruptionBudgets (Kubernetes' EvictionREST). A
// pod that is not running yet, finished or already terminating is deleted outright; otherwise
// its one matching budget must allow a disruption, which the eviction consumes (status
// disruptionsAllowed - 1, the pod recorded in disruptedPods) before the graceful delete.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { PodDisruptionBudget } from "kubernetes-types/policy/v1.js";
import {
  ApiError,
  ForbiddenError,
  MethodNotAllowedError,
  successStatus,
  TimeoutError,
} from "../../api/errors.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { isEmptyLabelSelector, labelSelectorMatches } from "../../api/validation/labelselector.ts";
import { writeJson } from "../http/respond.ts";
import type { RestContext } from "../rest/context.ts";
import { type DeleteOptions, deleteOne, deleteOptionsFrom } from "../rest/delete.ts";
import { meta, timestamp } from "../rest/meta.ts";
import { readObject } from "../rest/read.ts";
import { checkBodyName, readKindBody } from "./body.ts";

type Budget = PodDisruptionBudget & KubeObject;

/** Past this many unconfirmed evictions the budget refuses more (Kubernetes' MaxDisruptedPodSize). */
export const maxDisruptedPods = 2000;

export function budgetViolation(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(
    429,
    "TooManyRequests",
    "Cannot evict pod as it would violate the pod's disruption budget.",
    {
      causes: [{ reason: "DisruptionBudget", message }],
      ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
    },
  );
}

/** Terminal, not yet started, or already terminating pods cost no availability. */
export function canIgnoreBudget(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return (
    phase === "Succeeded" ||
    phase === "Failed" ||
    phase === "Pending" ||
    Boolean(pod.metadata?.deletionTimestamp)
  );
}

function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The budgets whose (non-empty) selector matches the pod's labels. */
export function matchingBudgets(pod: Pod, budgets: readonly Budget[]): Budget[] {
  return budgets.filter(
    (b) =>
      !isEmptyLabelSelector(b.spec?.selector) &&
      b.spec?.selector !== undefined &&
      labelSelectorMatches(b.spec.selector, pod.metadata?.labels),
  );
}

/**
 * checkAndDecrement: the budget after this eviction, or the error that refuses it. `now`
 * stamps the disruptedPods entry and the condition.
 */
export function consumeDisruption(budget: Budget, podName: string, now: Date): Budget {
  const name = budget.metadata?.name ?? "";
  const status = budget.status ?? {
    disruptionsAllowed: 0,
    currentHealthy: 0,
    desiredHealthy: 0,
    expectedPods: 0,
  };
  if ((status.observedGeneration ?? 0) < (budget.metadata?.generation ?? 0)) {
    return fail(budgetViolation(`The disruption budget ${name} is still being processed by the server.`, 10));
  }
  if (status.disruptionsAllowed < 0) {
    return fail(
      new ForbiddenError(
        `poddisruptionbudget.policy "${name}" is forbidden: pdb disruptions allowed is negative`,
        { name, group: "policy", kind: "poddisruptionbudget" },
      ),
    );
  }
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
    return fail(
      new ForbiddenError(
        `poddisruptionbudget.policy "${name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`,
        { name, group: "policy", kind: "poddisruptionbudget" },
      ),
    );
  }
  if (status.disruptionsAllowed === 0) {
    return fail(
      budgetViolation(
        `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
        0,
      ),
    );
  }
  const next = structuredClone(budget);
  const allowed = status.disruptionsAllowed - 1;
  const conditions = [...(status.conditions ?? [])];
  if (allowed === 0) {
    const i = conditions.findIndex((c) => c.type === "DisruptionAllowed");
    const old = conditions[i];
    const condition = {
      type: "DisruptionAllowed",
      status: "False",
      reason: "InsufficientPods",
      message: old?.message ?? "",
      observedGeneration: status.observedGeneration ?? 0,
      lastTransitionTime: old && old.status === "False" ? old.lastTransitionTime : timestamp(now),
    };
    if (old) conditions[i] = condition;
    else conditions.push(condition);
  }
  Object.assign(next, {
    status: {
      ...status,
      disruptionsAllowed: allowed,
      disruptedPods: { ...(status.disruptedPods ?? {}), [podName]: timestamp(now) },
      ...(conditions.length > 0 ? { conditions } : {}),
    },
  });
  return next;
}

function fail(err: ApiError): never {
  throw err;
}

/** Consumes one disruption from the pod's budget, re-reading it on write conflicts. */
async function consumeBudget(
  ctx: RestContext,
  pdbDef: ResourceDef,
  pod: Pod,
  dryRun: boolean,
): Promise<{ outcome: "consumed" | "unready" | "none"; budget: string }> {
  const { deps } = ctx;
  const namespace = pod.metadata?.namespace ?? "";
  const page = await deps.source.list(pdbDef, { namespace });
  const budgets = matchingBudgets(pod, page.items as Budget[]);
  if (budgets.length > 1) {
    throw new ApiError(
      500,
      "",
      "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
    );
  }
  let budget = budgets[0];
  if (!budget) return { outcome: "none", budget: "" };
  const s = budget.status;
  const name = budget.metadata?.name ?? "";
  // An unready pod does not count as healthy: evicting it costs nothing while the budget is met.
  if (!isPodReady(pod) && s && s.currentHealthy >= s.desiredHealthy && s.desiredHealthy > 0) {
    return { outcome: "unready", budget: name };
  }
  for (let attempt = 0; ; attempt++) {
    const next = consumeDisruption(budget, pod.metadata?.name ?? "", deps.now());
    if (dryRun) return { outcome: "consumed", budget: name };
    try {
      await deps.objects.update(pdbDef, next, Number(budget.metadata?.resourceVersion));
      return { outcome: "consumed", budget: name };
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "Conflict")) throw err;
      if (attempt >= 20)
        throw new TimeoutError(`couldn't update PodDisruptionBudget "${name}" due to conflicts`, 10);
      const fresh = await deps.objects.get(pdbDef, namespace, name);
      if (!fresh) return { outcome: "none", budget: "" };
      budget = fresh as Budget;
    }
  }
}

function evictionDeleteOptions(ctx: RestContext, body: Record<string, unknown>): DeleteOptions {
  const raw = isPlainObject(body.deleteOptions) ? body.deleteOptions : {};
  return deleteOptionsFrom(raw, ctx.query);
}

/** POST .../pods/NAME/eviction with a policy/v1 or policy/v1beta1 Eviction. */
export async function createEviction(ctx: RestContext): Promise<void> {
  if (ctx.info.verb !== "create") throw new MethodNotAllowedError();
  const body = await readKindBody(ctx, "Eviction", ["policy/v1", "policy/v1beta1"]);
  checkBodyName(body, ctx.info.name, "Eviction");
  const opts = evictionDeleteOptions(ctx, body);
  const pod = (await readObject(ctx)) as Pod & KubeObject;
  const pdbDef = ctx.deps.registry.resource("policy", "v1", "poddisruptionbudgets");
  if (!canIgnoreBudget(pod) && pdbDef) {
    const { outcome, budget } = await consumeBudget(ctx, pdbDef, pod, opts.dryRun);
    if (outcome === "unready" && !opts.preconditions?.resourceVersion) {
      // Delete only the pod that was judged unready; if it changed meanwhile, ask to retry.
      opts.preconditions = {
        ...(opts.preconditions ?? {}),
        resourceVersion: meta(pod).resourceVersion ?? "",
      };
      try {
        await deleteOne(ctx, ctx.info.namespace, ctx.info.name, opts);
      } catch (err) {
        if (err instanceof ApiError && err.reason === "Conflict") {
          throw budgetViolation(
            `The disruption budget ${budget} is still being processed by the server.`,
            10,
          );
        }
        throw err;
      }
      writeJson(ctx.res, 201, successStatus(201));
      return;
    }
  }
  await deleteOne(ctx, ctx.info.namespace, ctx.info.name, opts);
  writeJson(ctx.res, 201, successStatus(201));
}
