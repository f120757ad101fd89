// PodSpec and PodTemplateSpec validation (ValidatePodSpec, ValidatePodTemplateSpec): containers,
// volumes, policies, scheduling fields. Shared by pods, pod templates and the workload kinds.
import type { PodSpec, PodTemplateSpec, Toleration } from "kubernetes-types/core/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import { isDns1123Label, isDns1123Subdomain, isValidLabelValue } from "../validation/names.ts";
import {
  validateLabelName,
  validateLabels,
  validateNonnegative,
  validateTemplateObjectMeta,
} from "../validation/objectmeta.ts";
import { validateAffinity, validateTopologySpreadConstraints } from "./affinity-validation.ts";
import { type ContainerValidationContext, validateContainer } from "./container-validation.ts";
import { validateEphemeralContainers } from "./ephemeral-validation.ts";
import { validateVolumes } from "./volume-validation.ts";

export const restartPolicies = ["Always", "OnFailure", "Never"];
export const dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const tolerationOperators = ["Equal", "Exists"];
const taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

export function validateRestartPolicy(policy: string | undefined, at: FieldPath): FieldError[] {
  if (!policy) return [fieldErrors.required(at, "")];
  return restartPolicies.includes(policy) ? [] : [fieldErrors.notSupported(at, policy, restartPolicies)];
}

export function validateTolerations(tolerations: Toleration[] | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const p = at.index(i);
    if (t.key) errs.push(...validateLabelName(t.key, p.child("key")));
    if (!t.key && t.operator !== "Exists") {
      errs.push(
        fieldErrors.invalid(
          p.child("operator"),
          t.operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      errs.push(
        fieldErrors.invalid(
          p.child("effect"),
          t.effect,
          "effect must be 'NoExecute' when `tolerationSeconds` is set",
        ),
      );
    }
    switch (t.operator ?? "") {
      case "":
      case "Equal":
        for (const msg of isValidLabelValue(t.value ?? ""))
          errs.push(fieldErrors.invalid(p.child("operator"), t.value, msg));
        break;
      case "Exists":
        if (t.value)
          errs.push(
            fieldErrors.invalid(
              p.child("operator"),
              t.value,
              "value must be empty when `operator` is 'Exists'",
            ),
          );
        break;
      default:
        errs.push(fieldErrors.notSupported(p.child("operator"), t.operator, tolerationOperators));
    }
    if (t.effect && !taintEffects.includes(t.effect))
      errs.push(fieldErrors.notSupported(p.child("effect"), t.effect, taintEffects));
  });
  return errs;
}

function validateDnsConfig(spec: PodSpec, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const policy = spec.dnsPolicy;
  if (!policy) errs.push(fieldErrors.required(at.child("dnsPolicy"), ""));
  else if (!dnsPolicies.includes(policy))
    errs.push(fieldErrors.notSupported(at.child("dnsPolicy"), policy, dnsPolicies));
  if (policy === "None" && (spec.dnsConfig?.nameservers ?? []).length === 0) {
    errs.push(
      fieldErrors.required(
        at.child("dnsConfig").child("nameservers"),
        "must provide at least one DNS nameserver when DNS policy is None",
      ),
    );
  }
  if ((spec.dnsConfig?.nameservers ?? []).length > 3) {
    errs.push(
      fieldErrors.invalid(
        at.child("dnsConfig").child("nameservers"),
        spec.dnsConfig?.nameservers,
        "must not have more than 3 nameservers",
      ),
    );
  }
  return errs;
}

export interface PodSpecOptions {
  /** Pod templates may have no ephemeral containers; pods may. */
  template?: boolean;
}

export function validatePodSpec(
  spec: PodSpec | undefined,
  at: FieldPath,
  opts: PodSpecOptions = {},
): FieldError[] {
  const s: PodSpec = spec ?? { containers: [] };
  const { errs, names: volumes } = validateVolumes(s.volumes, at.child("volumes"));
  const ctx: ContainerValidationContext = { volumes, names: new Set() };
  const containers = s.containers ?? [];
  if (containers.length === 0) errs.push(fieldErrors.required(at.child("containers"), ""));
  containers.forEach((c, i) => {
    errs.push(...validateContainer(c, at.child("containers").index(i), ctx));
  });
  (s.initContainers ?? []).forEach((c, i) => {
    const p = at.child("initContainers").index(i);
    errs.push(...validateContainer(c, p, ctx));
    const restart = c.restartPolicy;
    if (restart && restart !== "Always")
      errs.push(fieldErrors.notSupported(p.child("restartPolicy"), restart, ["Always"]));
    if (!restart) {
      for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"] as const) {
        if (c[probe])
          errs.push(
            fieldErrors.forbidden(
              p.child(probe),
              "may not be set for init containers without restartPolicy=Always",
            ),
          );
      }
    }
  });
  if (opts.template && (s.ephemeralContainers ?? []).length > 0) {
    errs.push(
      fieldErrors.forbidden(
        at.child("ephemeralContainers"),
        "ephemeral containers not allowed in pod template",
      ),
    );
  } else {
    errs.push(...validateEphemeralContainers(s.ephemeralContainers, at.child("ephemeralContainers"), ctx));
  }
  if (s.hostNetwork) {
    containers.forEach((c, i) => {
      (c.ports ?? []).forEach((port, j) => {
        if (port.hostPort !== undefined && port.hostPort !== port.containerPort) {
          errs.push(
            fieldErrors.invalid(
              at.child("containers").index(i).child("ports").index(j).child("hostPort"),
              port.hostPort,
              "must match `containerPort` when `hostNetwork` is true",
            ),
          );
        }
      });
    });
  }
  errs.push(...validateRestartPolicy(s.restartPolicy, at.child("restartPolicy")));
  errs.push(...validateDnsConfig(s, at));
  errs.push(...validateLabels(s.nodeSelector, at.child("nodeSelector")));
  if (s.serviceAccountName) {
    for (const msg of isDns1123Subdomain(s.serviceAccountName))
      errs.push(fieldErrors.invalid(at.child("serviceAccountName"), s.serviceAccountName, msg));
  }
  if (s.nodeName) {
    for (const msg of isDns1123Subdomain(s.nodeName))
      errs.push(fieldErrors.invalid(at.child("nodeName"), s.nodeName, msg));
  }
  if (s.hostname)
    for (const msg of isDns1123Label(s.hostname))
      errs.push(fieldErrors.invalid(at.child("hostname"), s.hostname, msg));
  if (s.subdomain)
    for (const msg of isDns1123Label(s.subdomain))
      errs.push(fieldErrors.invalid(at.child("subdomain"), s.subdomain, msg));
  if (
    s.activeDeadlineSeconds !== undefined &&
    (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > 2147483647)
  ) {
    errs.push(
      fieldErrors.invalid(
        at.child("activeDeadlineSeconds"),
        s.activeDeadlineSeconds,
        "must be between 1 and 2147483647, inclusive",
      ),
    );
  }
  errs.push(
    ...validateNonnegative(s.terminationGracePeriodSeconds, at.child("terminationGracePeriodSeconds")),
  );
  errs.push(...validateTolerations(s.tolerations, at.child("tolerations")));
  errs.push(...validateAffinity(s.affinity, at.child("affinity")));
  errs.push(
    ...validateTopologySpreadConstraints(s.topologySpreadConstraints, at.child("topologySpreadConstraints")),
  );
  (s.imagePullSecrets ?? []).forEach((ref, i) => {
    if (!ref.name) errs.push(fieldErrors.required(at.child("imagePullSecrets").index(i).child("name"), ""));
  });
  if (s.priorityClassName) {
    for (const msg of isDns1123Subdomain(s.priorityClassName))
      errs.push(fieldErrors.invalid(at.child("priorityClassName"), s.priorityClassName, msg));
  }
  if (s.schedulerName) {
    for (const msg of isDns1123Subdomain(s.schedulerName))
      errs.push(fieldErrors.invalid(at.child("schedulerName"), s.schedulerName, msg));
  }
  return errs;
}

/**
 * ValidatePodTemplateSpec: template labels/annotations and the pod spec (`<at>.spec`). A missing
 * template is validated as an empty one, as for Kubernetes' value-typed templates.
 */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, at: FieldPath): FieldError[] {
  return [
    ...validateTemplateObjectMeta(template?.metadata, at.child("metadata")),
    ...validatePodSpec(template?.spec, at.child("spec"), { template: true }),
  ];
}
