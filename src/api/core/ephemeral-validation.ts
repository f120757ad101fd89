// Ephemeral containers (kubectl debug): the checks ValidatePodSpec applies to
// spec.ephemeralContainers, and the update rule of the pods/ephemeralcontainers subresource
// (ValidatePodEphemeralContainersUpdate): containers may be added, never changed or removed.
import type { Container, EphemeralContainer, Pod } from "kubernetes-types/core/v1.js";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { deepEqual } from "../validation/objectmeta.ts";
import { type ContainerValidationContext, validateContainer } from "./container-validation.ts";

const cannotSet = "cannot be set for an Ephemeral Container";

/** Fields outside Kubernetes' allow list: an ephemeral container provides no pod service. */
const disallowedFields = [
  "ports",
  "resources",
  "resizePolicy",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "lifecycle",
] as const;

function isSet(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.values(value).some(isSet);
  return true;
}

/**
 * validateEphemeralContainers. `ctx.names` holds the names of the containers and init containers
 * (the targets an ephemeral container may name); it gains the ephemeral names.
 */
export function validateEphemeralContainers(
  list: EphemeralContainer[] | undefined,
  at: FieldPath,
  ctx: ContainerValidationContext,
): FieldError[] {
  const errs: FieldError[] = [];
  const targets = new Set(ctx.names);
  (list ?? []).forEach((ec, i) => {
    const p = at.index(i);
    errs.push(...validateContainer(ec as Container, p, ctx));
    if (ec.targetContainerName && !targets.has(ec.targetContainerName))
      errs.push(fieldErrors.notFound(p.child("targetContainerName"), ec.targetContainerName));
    for (const field of disallowedFields) {
      if (isSet(Reflect.get(ec, field))) errs.push(fieldErrors.forbidden(p.child(field), cannotSet));
    }
    (ec.volumeMounts ?? []).forEach((vm, j) => {
      const mp = p.child("volumeMounts").index(j);
      if (vm.subPath) errs.push(fieldErrors.forbidden(mp.child("subPath"), cannotSet));
      if (vm.subPathExpr) errs.push(fieldErrors.forbidden(mp.child("subPathExpr"), cannotSet));
    });
    if (Reflect.get(ec, "restartPolicy") !== undefined)
      errs.push(fieldErrors.forbidden(p.child("restartPolicy"), cannotSet));
  });
  return errs;
}

/** On create a pod has no ephemeral containers: they come only through the subresource. */
export function validateNoEphemeralOnCreate(pod: Pod): FieldError[] {
  if ((pod.spec?.ephemeralContainers ?? []).length === 0) return [];
  return [
    fieldErrors.forbidden(FieldPath.root("spec").child("ephemeralContainers"), "cannot be set on create"),
  ];
}

/** The subresource's update rule; the rest of the pod is validated by the pod's own validate. */
export function validateEphemeralContainersUpdate(pod: Pod, old: Pod): FieldError[] {
  if (old.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined)
    return [fieldErrors.forbidden("", "static pods do not support ephemeral containers")];
  const errs: FieldError[] = [];
  const at = FieldPath.root("spec").child("ephemeralContainers");
  const next = new Map((pod.spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
  for (const prev of old.spec?.ephemeralContainers ?? []) {
    const now = next.get(prev.name);
    if (!now)
      errs.push(
        fieldErrors.forbidden(at, `existing ephemeral containers "${prev.name}" may not be removed\n`),
      );
    else if (!deepEqual(prev, now))
      errs.push(
        fieldErrors.forbidden(
          at.key(prev.name),
          `existing ephemeral containers "${prev.name}" may not be changed\n`,
        ),
      );
  }
  return errs;
}
