// Shared wording and traversal of the Pod Security Standards checks: the containers a check
// visits, and the "container"/"containers" phrasing of upstream's messages.
import type { Container, EphemeralContainer, PodSpec } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

export interface CheckResult {
  allowed: boolean;
  reason?: string;
  detail?: string;
}

export interface Check {
  /** Upstream's check ID; checks run in ID order, baseline before restricted. */
  id: string;
  level: "baseline" | "restricted";
  /** Baseline checks a restricted check replaces. */
  overrides?: string[];
  check(meta: ObjectMeta, spec: PodSpec): CheckResult;
}

export const allowed: CheckResult = { allowed: true };

export function pluralize(one: string, many: string, n: number): string {
  return n === 1 ? one : many;
}

export function joinQuote(items: readonly string[]): string {
  return items.map((i) => JSON.stringify(i)).join(", ");
}

/** Sorted distinct values, like Go's sets.String.List(). */
export function sortedSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

export function visitContainers(spec: PodSpec, visit: (c: Container | EphemeralContainer) => void): void {
  for (const c of spec.initContainers ?? []) visit(c);
  for (const c of spec.containers ?? []) visit(c);
  for (const c of spec.ephemeralContainers ?? []) visit(c);
}

/** "container "a"" or "containers "a", "b"". */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;
}
