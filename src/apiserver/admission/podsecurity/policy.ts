// Pod Security levels and versions from namespace labels, and evaluation of a pod against one:
// the failed checks in upstream's order, rendered as upstream's `violates PodSecurity` text.
import type { PodSpec } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { baselineChecks } from "./baseline.ts";
import type { Check, CheckResult } from "./helpers.ts";
import { restrictedChecks } from "./restricted.ts";

export type Level = "privileged" | "baseline" | "restricted";
export type Mode = "enforce" | "audit" | "warn";
export const labelPrefix = "pod-security.kubernetes.io/";

export interface LevelVersion {
  level: Level;
  /** "latest" or "v1.N". */
  version: string;
}

// Checks that appeared after 1.0, so a pinned older version does not apply them.
const minimumMinor: Record<string, number> = { capabilities_restricted: 22, seccompProfile_restricted: 19 };

const byId = (a: Check, b: Check) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ordered = [...[...baselineChecks].sort(byId), ...[...restrictedChecks].sort(byId)];

function parseVersion(value: string | undefined): string | undefined {
  if (value === undefined || value === "" || value === "latest") return "latest";
  return /^v1\.(0|[1-9][0-9]*)$/.test(value) ? value : undefined;
}

/** The level a namespace sets for a mode; undefined when it sets none (privileged). */
export function levelFor(labels: Record<string, string> | undefined, mode: Mode): LevelVersion | undefined {
  const raw = labels?.[`${labelPrefix}${mode}`];
  if (raw === undefined) return undefined;
  const version = parseVersion(labels?.[`${labelPrefix}${mode}-version`]) ?? "latest";
  // An unknown level fails closed, as upstream does.
  const level: Level =
    raw === "privileged" || raw === "baseline" || raw === "restricted" ? raw : "restricted";
  return { level, version };
}

export function evaluatePod(lv: LevelVersion, meta: ObjectMeta, spec: PodSpec): CheckResult[] {
  if (lv.level === "privileged") return [];
  const minor = lv.version === "latest" ? Number.POSITIVE_INFINITY : Number(lv.version.slice(3));
  const active = ordered.filter(
    (c) => (lv.level === "restricted" || c.level === "baseline") && (minimumMinor[c.id] ?? 0) <= minor,
  );
  const overridden =
    lv.level === "restricted" ? new Set(active.flatMap((c) => c.overrides ?? [])) : new Set<string>();
  return active
    .filter((c) => !overridden.has(c.id))
    .map((c) => c.check(meta, spec))
    .filter((r) => !r.allowed);
}

export function describe(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`;
}

/** `reason (detail), reason (detail)`, as upstream joins failed checks. */
export function reasons(failed: readonly CheckResult[], withDetail = true): string {
  return failed
    .map((r) => (withDetail && r.detail ? `${r.reason ?? ""} (${r.detail})` : (r.reason ?? "")))
    .join(", ");
}
