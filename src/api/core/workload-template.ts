// Pod template rules shared by replicated workloads (ReplicationController here; ReplicaSet,
// Deployment, DaemonSet, StatefulSet in apps): the selector must match the template labels,
// restartPolicy must be Always and activeDeadlineSeconds is not supported.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { validatePodTemplateSpec } from "./podspec-validation.ts";

export interface ReplicatedTemplateOptions {
  /** Whether the workload's selector selects the template's labels. */
  selectorMatches: (labels: Record<string, string>) => boolean;
  /** The kind named in the activeDeadlineSeconds message (`ReplicaSet`, `ReplicationController`). */
  kind: string;
  /** Allowed restart policies (default Always only; Jobs use their own rules). */
  restartPolicies?: readonly string[];
}

/**
 * ValidatePodTemplateSpecForReplicaSet / ForRC. `at` is the template path (`spec.template`).
 * An undefined template is `Required` (RC's pointer semantics); kinds whose template is a value
 * in Kubernetes (ReplicaSet, Deployment, …) should pass `spec.template ?? {}`.
 */
export function validateReplicatedPodTemplate(
  template: PodTemplateSpec | undefined,
  at: FieldPath,
  opts: ReplicatedTemplateOptions,
): FieldError[] {
  if (!template) return [fieldErrors.required(at, "")];
  const errs: FieldError[] = [];
  const labels = template.metadata?.labels ?? {};
  if (!opts.selectorMatches(labels)) {
    errs.push(
      fieldErrors.invalid(
        at.child("metadata").child("labels"),
        labels,
        "`selector` does not match template `labels`",
      ),
    );
  }
  errs.push(...validatePodTemplateSpec(template, at));
  const allowed = opts.restartPolicies ?? ["Always"];
  const policy = template.spec?.restartPolicy ?? "";
  if (policy && !allowed.includes(policy)) {
    errs.push(fieldErrors.notSupported(at.child("spec").child("restartPolicy"), policy, allowed));
  }
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(
      fieldErrors.forbidden(
        at.child("spec").child("activeDeadlineSeconds"),
        `activeDeadlineSeconds in ${opts.kind} is not Supported`,
      ),
    );
  }
  return errs;
}
