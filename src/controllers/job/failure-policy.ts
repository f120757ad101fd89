// podFailurePolicy: the first rule matching a failed pod's exit codes or conditions decides
// whether the failure fails the whole Job (FailJob), is not counted (Ignore) or counts (Count).
import type { PodFailurePolicy, PodFailurePolicyRule } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";

export interface PolicyDecision {
  action: "FailJob" | "Ignore" | "Count" | "FailIndex";
  /** Index of the matching rule. */
  rule: number;
  /** Message for the FailureTarget condition (FailJob). */
  message: string;
}

function exitCodesMatch(rule: PodFailurePolicyRule, pod: Pod): string | undefined {
  const req = rule.onExitCodes;
  if (!req) return undefined;
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    if (req.containerName && req.containerName !== s.name) continue;
    const code = s.state?.terminated?.exitCode;
    // Exit code 0 never matches (it is a success of that container).
    if (code === undefined || code === 0) continue;
    const listed = req.values.includes(code);
    if (req.operator === "In" ? listed : !listed) return s.name;
  }
  return undefined;
}

function conditionsMatch(rule: PodFailurePolicyRule, pod: Pod): boolean {
  const patterns = rule.onPodConditions ?? [];
  return patterns.some((p) =>
    (pod.status?.conditions ?? []).some((c) => c.type === p.type && c.status === (p.status ?? "True")),
  );
}

/** The decision for a failed pod, or undefined when no rule matches (the failure counts). */
export function matchPodFailurePolicy(
  policy: PodFailurePolicy | undefined,
  pod: Pod,
): PolicyDecision | undefined {
  const rules = policy?.rules ?? [];
  const podKey = `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i] as PodFailurePolicyRule;
    const action = rule.action as PolicyDecision["action"];
    const container = exitCodesMatch(rule, pod);
    if (container !== undefined) {
      const code = [
        ...(pod.status?.initContainerStatuses ?? []),
        ...(pod.status?.containerStatuses ?? []),
      ].find((s) => s.name === container)?.state?.terminated?.exitCode;
      return {
        action,
        rule: i,
        message: `Container ${container} for pod ${podKey} failed with exit code ${code} matching ${action} rule at index ${i}`,
      };
    }
    if (conditionsMatch(rule, pod)) {
      const type = rule.onPodConditions?.find((p) =>
        (pod.status?.conditions ?? []).some((c) => c.type === p.type),
      )?.type;
      return {
        action,
        rule: i,
        message: `Pod ${podKey} has condition ${type} matching ${action} rule at index ${i}`,
      };
    }
  }
  return undefined;
}
