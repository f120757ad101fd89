// successPolicy (Kubernetes 1.32, beta): an Indexed Job succeeds early when one rule matches its
// completed indexes (a count of them, all or a count of listed ones); it then gets
// SuccessCriteriaMet with reason SuccessPolicy, its remaining pods are removed and it completes.
import type { Job } from "kubernetes-types/batch/v1.js";
import { parseIndexes } from "./indexes.ts";

export const successPolicyReason = "SuccessPolicy";

/** The condition message when a rule matches ("Matched rules at index N"), else undefined. */
export function matchSuccessPolicy(job: Job, completed: Set<number>): string | undefined {
  const rules = job.spec?.successPolicy?.rules ?? [];
  if (completed.size === 0) return undefined;
  const completions = job.spec?.completions ?? 0;
  for (const [i, rule] of rules.entries()) {
    let matched = false;
    if (rule.succeededIndexes !== undefined) {
      const required = parseIndexes(rule.succeededIndexes, completions);
      if (required.size === 0) continue;
      let contains = 0;
      for (const ix of required) if (completed.has(ix)) contains++;
      matched = contains >= (rule.succeededCount ?? required.size);
    } else if (rule.succeededCount !== undefined) matched = completed.size >= rule.succeededCount;
    if (matched) return `Matched rules at index ${i}`;
  }
  return undefined;
}
