// Validation of a Job's per-index backoff (backoffLimitPerIndex, maxFailedIndexes), successPolicy
// and podFailurePolicy rules, with Kubernetes' 1.32 messages (pkg/apis/batch/validation), and the
// index-interval format ("1,3-5") shared by successPolicy and the status index lists.
import type { JobSpec, PodFailurePolicyRule, SuccessPolicyRule } from "kubernetes-types/batch/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { validateNonnegative } from "../validation/objectmeta.ts";

const maxFailedIndexesLimit = 100_000;
const completionsSoftLimit = 100_000;
const parallelismLimitForHighCompletions = 10_000;
const maxFailedIndexesLimitForHighCompletions = 10_000;
const maxPolicyRules = 20;
const maxExitCodeValues = 255;
const maxConditionPatterns = 20;
const maxSucceededIndexesLength = 64 * 1024;
const maxSuccessPolicyRules = 20;
const actions = ["Count", "FailIndex", "FailJob", "Ignore"];
const operators = ["In", "NotIn"];
const conditionStatuses = ["False", "True", "Unknown"];

/**
 * validateIndexesFormat: ascending, non-overlapping intervals below `completions`; returns how
 * many indexes the text names, or the reason it is malformed.
 */
export function indexesFormat(text: string, completions: number): { total: number } | { error: string } {
  if (text === "") return { total: 0 };
  let last: number | undefined;
  let total = 0;
  for (const interval of text.split(",")) {
    const parts = interval.split("-");
    if (parts.length > 2)
      return {
        error: `the fragment "${interval}" violates the requirement that an index interval can have at most two parts separated by '-'`,
      };
    for (const [i, part] of parts.entries()) {
      if (!/^[+-]?\d+$/.test(part)) return { error: `cannot convert string to integer for index: "${part}"` };
      const x = Number(part);
      if (x >= completions) return { error: `too large index: "${part}"` };
      if (last !== undefined && last >= x)
        return { error: `non-increasing order, previous: ${last}, current: ${x}` };
      total += i === 0 ? 1 : x - (last ?? x);
      last = x;
    }
  }
  return { total };
}

export function validatePerIndexBackoff(s: JobSpec, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [
    ...validateNonnegative(s.backoffLimitPerIndex, at.child("backoffLimitPerIndex")),
    ...validateNonnegative(s.maxFailedIndexes, at.child("maxFailedIndexes")),
  ];
  if (s.maxFailedIndexes !== undefined && s.backoffLimitPerIndex === undefined)
    errs.push(fieldErrors.required(at.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
  if (s.completionMode === "Indexed") {
    const max = s.maxFailedIndexes;
    if (s.completions !== undefined && max !== undefined && max > s.completions)
      errs.push(
        fieldErrors.invalid(at.child("maxFailedIndexes"), max, "must be less than or equal to completions"),
      );
    if (max !== undefined && max > maxFailedIndexesLimit)
      errs.push(
        fieldErrors.invalid(
          at.child("maxFailedIndexes"),
          max,
          `must be less than or equal to ${maxFailedIndexesLimit}`,
        ),
      );
    if ((s.completions ?? 0) > completionsSoftLimit && s.backoffLimitPerIndex !== undefined) {
      const high = `when completions are above ${completionsSoftLimit} and used with backoff limit per index`;
      if (max === undefined)
        errs.push(
          fieldErrors.required(
            at.child("maxFailedIndexes"),
            `must be specified when completions is above ${completionsSoftLimit}`,
          ),
        );
      if ((s.parallelism ?? 0) > parallelismLimitForHighCompletions)
        errs.push(
          fieldErrors.invalid(
            at.child("parallelism"),
            s.parallelism,
            `must be less than or equal to ${parallelismLimitForHighCompletions} ${high}`,
          ),
        );
      if (max !== undefined && max > maxFailedIndexesLimitForHighCompletions)
        errs.push(
          fieldErrors.invalid(
            at.child("maxFailedIndexes"),
            max,
            `must be less than or equal to ${maxFailedIndexesLimitForHighCompletions} ${high}`,
          ),
        );
    }
  } else {
    if (s.backoffLimitPerIndex !== undefined)
      errs.push(
        fieldErrors.invalid(
          at.child("backoffLimitPerIndex"),
          s.backoffLimitPerIndex,
          "requires indexed completion mode",
        ),
      );
    if (s.maxFailedIndexes !== undefined)
      errs.push(
        fieldErrors.invalid(
          at.child("maxFailedIndexes"),
          s.maxFailedIndexes,
          "requires indexed completion mode",
        ),
      );
  }
  return errs;
}

function validateSuccessRule(s: JobSpec, rule: SuccessPolicyRule, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const completions = s.completions ?? 0;
  if (rule.succeededCount === undefined && rule.succeededIndexes === undefined)
    errs.push(
      fieldErrors.required(at, "at least one of succeededCount or succeededIndexes must be specified"),
    );
  let total = 0;
  if (rule.succeededIndexes !== undefined) {
    const indexesAt = at.child("succeededIndexes");
    if (rule.succeededIndexes.length > maxSucceededIndexesLength)
      errs.push(fieldErrors.tooLong(indexesAt, rule.succeededIndexes, maxSucceededIndexesLength));
    const parsed = indexesFormat(rule.succeededIndexes, completions);
    if ("error" in parsed)
      errs.push(
        fieldErrors.invalid(
          indexesAt,
          rule.succeededIndexes,
          `error parsing succeededIndexes: ${parsed.error}`,
        ),
      );
    else total = parsed.total;
  }
  if (rule.succeededCount !== undefined) {
    const countAt = at.child("succeededCount");
    errs.push(...validateNonnegative(rule.succeededCount, countAt));
    if (rule.succeededCount > completions)
      errs.push(
        fieldErrors.invalid(
          countAt,
          rule.succeededCount,
          `must be less than or equal to ${completions} (the number of specified completions)`,
        ),
      );
    if (rule.succeededIndexes !== undefined && rule.succeededCount > total)
      errs.push(
        fieldErrors.invalid(
          countAt,
          rule.succeededCount,
          `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`,
        ),
      );
  }
  return errs;
}

export function validateSuccessPolicy(s: JobSpec, at: FieldPath): FieldError[] {
  const policy = s.successPolicy;
  if (!policy) return [];
  if (s.completionMode !== "Indexed")
    return [fieldErrors.invalid(at, policy, "requires indexed completion mode")];
  const rules = policy.rules ?? [];
  const rulesAt = at.child("rules");
  const errs: FieldError[] = [];
  if (rules.length === 0)
    errs.push(
      fieldErrors.required(
        rulesAt,
        "at least one rules must be specified when the successPolicy is specified",
      ),
    );
  if (rules.length > maxSuccessPolicyRules)
    errs.push(fieldErrors.tooMany(rulesAt, rules.length, maxSuccessPolicyRules));
  for (const [i, rule] of rules.entries()) errs.push(...validateSuccessRule(s, rule, rulesAt.index(i)));
  return errs;
}

function validateExitCodes(rule: PodFailurePolicyRule, at: FieldPath, containers: Set<string>): FieldError[] {
  const req = rule.onExitCodes;
  if (!req) return [];
  const errs: FieldError[] = [];
  if (!req.operator) errs.push(fieldErrors.required(at.child("operator"), `valid values: ["In" "NotIn"]`));
  else if (!operators.includes(req.operator))
    errs.push(fieldErrors.notSupported(at.child("operator"), req.operator, operators));
  if (req.containerName !== undefined && !containers.has(req.containerName))
    errs.push(
      fieldErrors.invalid(
        at.child("containerName"),
        req.containerName,
        "must be one of the container or initContainer names in the pod template",
      ),
    );
  const valuesAt = at.child("values");
  const values = req.values ?? [];
  if (values.length === 0) errs.push(fieldErrors.invalid(valuesAt, values, "at least one value is required"));
  else if (values.length > maxExitCodeValues)
    errs.push(fieldErrors.tooMany(valuesAt, values.length, maxExitCodeValues));
  const seen = new Set<number>();
  let ordered = true;
  for (const [j, v] of values.entries()) {
    if (req.operator === "In" && v === 0)
      errs.push(fieldErrors.invalid(valuesAt.index(j), v, "must not be 0 for the In operator"));
    if (seen.has(v)) errs.push(fieldErrors.duplicate(valuesAt.index(j), v));
    seen.add(v);
    if (j > 0 && (values[j - 1] ?? 0) > v) ordered = false;
  }
  if (!ordered) errs.push(fieldErrors.invalid(valuesAt, values, "must be ordered"));
  return errs;
}

function validateFailureRule(
  s: JobSpec,
  rule: PodFailurePolicyRule,
  at: FieldPath,
  containers: Set<string>,
): FieldError[] {
  const errs: FieldError[] = [];
  const actionAt = at.child("action");
  if (!rule.action)
    errs.push(fieldErrors.required(actionAt, `valid values: ["Count" "FailIndex" "FailJob" "Ignore"]`));
  else if (rule.action === "FailIndex") {
    if (s.backoffLimitPerIndex === undefined)
      errs.push(fieldErrors.invalid(actionAt, rule.action, "requires the backoffLimitPerIndex to be set"));
  } else if (!actions.includes(rule.action))
    errs.push(fieldErrors.notSupported(actionAt, rule.action, actions));
  errs.push(...validateExitCodes(rule, at.child("onExitCodes"), containers));
  const patterns = rule.onPodConditions ?? [];
  const patternsAt = at.child("onPodConditions");
  if (patterns.length > maxConditionPatterns)
    errs.push(fieldErrors.tooMany(patternsAt, patterns.length, maxConditionPatterns));
  for (const [j, p] of patterns.entries()) {
    const statusAt = patternsAt.index(j).child("status");
    if (!p.status) errs.push(fieldErrors.required(statusAt, `valid values: ["False" "True" "Unknown"]`));
    else if (!conditionStatuses.includes(p.status))
      errs.push(fieldErrors.notSupported(statusAt, p.status, conditionStatuses));
  }
  if (rule.onExitCodes && patterns.length > 0)
    errs.push(
      fieldErrors.invalid(at, undefined, "specifying both OnExitCodes and OnPodConditions is not supported"),
    );
  if (!rule.onExitCodes && patterns.length === 0)
    errs.push(
      fieldErrors.invalid(at, undefined, "specifying one of OnExitCodes and OnPodConditions is required"),
    );
  return errs;
}

export function validatePodFailurePolicy(s: JobSpec, at: FieldPath): FieldError[] {
  const rules = s.podFailurePolicy?.rules;
  if (!rules) return [];
  const rulesAt = at.child("rules");
  const errs: FieldError[] = [];
  if (rules.length > maxPolicyRules) errs.push(fieldErrors.tooMany(rulesAt, rules.length, maxPolicyRules));
  const spec = s.template?.spec;
  const containers = new Set(
    [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])].map((c) => c.name),
  );
  for (const [i, rule] of rules.entries())
    errs.push(...validateFailureRule(s, rule, rulesAt.index(i), containers));
  return errs;
}
