// The Terminating namespace's status conditions, worded like Kubernetes' namespace deleter:
// every deletion condition type is always present, True with the problem or False when fine.
import type { NamespaceCondition } from "kubernetes-types/core/v1.js";

export interface DeletionTotals {
  /** Discovery failures ("group/version: error"). */
  discoveryFailures: string[];
  /** Failures deleting or listing content. */
  contentFailures: string[];
  /** `resource.group` → objects left. */
  remaining: Map<string, number>;
  /** finalizer → objects left carrying it. */
  finalizers: Map<string, number>;
}

type Problem = { reason: string; message: string } | undefined;

const okay: Record<string, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: {
    reason: "ResourcesDiscovered",
    message: "All resources successfully discovered",
  },
  NamespaceDeletionGroupVersionParsingFailure: {
    reason: "ParsedGroupVersions",
    message: "All legacy kube types successfully parsed",
  },
  NamespaceDeletionContentFailure: {
    reason: "ContentDeleted",
    message: "All content successfully deleted, may be waiting on finalization",
  },
  NamespaceContentRemaining: { reason: "ContentRemoved", message: "All content successfully removed" },
  NamespaceFinalizersRemaining: {
    reason: "ContentHasNoFinalizers",
    message: "All content-preserving finalizers finished",
  },
};

const counted = (m: Map<string, number>, format: (k: string, n: number) => string): string[] =>
  [...m]
    .filter(([, n]) => n > 0)
    .map(([k, n]) => format(k, n))
    .sort();

function problems(t: DeletionTotals): Record<string, Problem> {
  const remaining = counted(t.remaining, (r, n) => `${r} has ${n} resource instances`);
  const finalizers = counted(t.finalizers, (f, n) => `${f} in ${n} resource instances`);
  return {
    NamespaceDeletionDiscoveryFailure:
      t.discoveryFailures.length > 0
        ? {
            reason: "DiscoveryFailed",
            message: `Discovery failed for some groups, ${t.discoveryFailures.length} failing: ${t.discoveryFailures.join(", ")}`,
          }
        : undefined,
    NamespaceDeletionGroupVersionParsingFailure: undefined,
    NamespaceDeletionContentFailure:
      t.contentFailures.length > 0
        ? {
            reason: "ContentDeletionFailed",
            message: `Failed to delete all resource types, ${t.contentFailures.length} remaining: ${t.contentFailures.join(", ")}`,
          }
        : undefined,
    NamespaceContentRemaining:
      remaining.length > 0
        ? { reason: "SomeResourcesRemain", message: `Some resources are remaining: ${remaining.join(", ")}` }
        : undefined,
    NamespaceFinalizersRemaining:
      finalizers.length > 0
        ? {
            reason: "SomeFinalizersRemain",
            message: `Some content in the namespace has finalizers remaining: ${finalizers.join(", ")}`,
          }
        : undefined,
  };
}

/** The full condition list; a condition whose status is unchanged keeps its transition time. */
export function deletionConditions(
  totals: DeletionTotals,
  previous: readonly NamespaceCondition[],
  now: Date,
): NamespaceCondition[] {
  const found = problems(totals);
  const out: NamespaceCondition[] = [];
  for (const [type, fine] of Object.entries(okay)) {
    const problem = found[type];
    const status = problem ? "True" : "False";
    const before = previous.find((c) => c.type === type);
    const lastTransitionTime =
      before?.status === status && before.lastTransitionTime
        ? before.lastTransitionTime
        : now.toISOString().replace(/\.\d+Z$/, "Z");
    out.push({ type, status, lastTransitionTime, ...(problem ?? fine) });
  }
  // Conditions of other types (set by someone else) are kept.
  for (const c of previous) if (!(c.type in okay)) out.push(c);
  return out;
}

/** Same conditions apart from transition times: no status write needed. */
export function sameConditions(a: readonly NamespaceCondition[], b: readonly NamespaceCondition[]): boolean {
  const key = (c: NamespaceCondition) => `${c.type}|${c.status}|${c.reason ?? ""}|${c.message ?? ""}`;
  return a.length === b.length && a.every((c, i) => key(c) === key(b[i] as NamespaceCondition));
}
