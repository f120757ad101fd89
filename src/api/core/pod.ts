// The pods resource: defaults, create-time status, validation (including the narrow set of
// spec fields a pod update may change), table, field selectors and subresources.
import type { Container, Pod, PodSpec } from "kubernetes-types/core/v1.js";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import { podLifecycle } from "../lifecycle.ts";
import { Quantity } from "../quantity.ts";
import { nameIsDnsSubdomain } from "../validation/names.ts";
import { deepEqual } from "../validation/objectmeta.ts";
import { boolField, defineResource, metaValidation, type Obj } from "./define.ts";
import { validateNoEphemeralOnCreate } from "./ephemeral-validation.ts";
import { podTable } from "./pod-table.ts";
import { defaultPodOnlyFields, defaultPodSpec } from "./podspec-defaults.ts";
import { validatePodSpec, validateTolerations } from "./podspec-validation.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);
const specPath = FieldPath.root("spec");

/** The fields Kubernetes lets a pod update change, in its own words. */
export const podUpdatableFieldsText =
  "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** qos.GetPodQOS: Guaranteed when every container has equal cpu/memory requests and limits. */
export function podQosClass(spec: PodSpec | undefined): "Guaranteed" | "Burstable" | "BestEffort" {
  const containers: Container[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    for (const r of ["cpu", "memory"]) {
      const limit = c.resources?.limits?.[r];
      const request = c.resources?.requests?.[r] ?? limit;
      const lq = limit !== undefined ? Quantity.tryParse(String(limit)) : undefined;
      const rq = request !== undefined ? Quantity.tryParse(String(request)) : undefined;
      if ((lq && !lq.isZero()) || (rq && !rq.isZero())) any = true;
      if (!lq || !rq || lq.cmp(rq) !== 0) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

function validateTolerationUpdate(spec: PodSpec, old: PodSpec, errs: FieldError[]): void {
  const at = specPath.child("tolerations");
  for (const o of old.tolerations ?? []) {
    const kept = (spec.tolerations ?? []).some((n) =>
      deepEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n),
    );
    if (!kept) {
      errs.push(
        fieldErrors.forbidden(at, "existing toleration can not be modified except its tolerationSeconds"),
      );
      return;
    }
  }
  errs.push(...validateTolerations(spec.tolerations, at));
}

function validateActiveDeadlineUpdate(spec: PodSpec, old: PodSpec, errs: FieldError[]): void {
  const at = specPath.child("activeDeadlineSeconds");
  const next = spec.activeDeadlineSeconds;
  if (next !== undefined) {
    if (next < 0 || next > 2147483647)
      errs.push(fieldErrors.invalid(at, next, "must be between 0 and 2147483647, inclusive"));
    else if (old.activeDeadlineSeconds !== undefined && old.activeDeadlineSeconds < next) {
      errs.push(fieldErrors.invalid(at, next, "must be less than or equal to previous value"));
    }
  } else if (old.activeDeadlineSeconds !== undefined) {
    errs.push(fieldErrors.invalid(at, null, "must not update from a positive integer to nil value"));
  }
}

/** The spec with the updatable fields copied from the old spec, for an equality check. */
function mungedSpec(spec: PodSpec, old: PodSpec): PodSpec {
  const munged: PodSpec = structuredClone(spec);
  const copyImages = (next: Container[] | undefined, prev: Container[] | undefined): void => {
    next?.forEach((c, i) => {
      const p = prev?.[i];
      if (p) c.image = p.image;
    });
  };
  copyImages(munged.containers, old.containers);
  copyImages(munged.initContainers, old.initContainers);
  munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  munged.tolerations = old.tolerations;
  munged.ephemeralContainers = old.ephemeralContainers;
  if ((old.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) {
    munged.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  }
  return munged;
}

/** A short account of which spec fields differ (Kubernetes prints a cmp.Diff here). */
function specDiff(old: PodSpec, next: PodSpec): string {
  const keys = new Set([...Object.keys(old), ...Object.keys(next)]);
  const lines: string[] = [];
  for (const k of [...keys].sort()) {
    const a: unknown = Reflect.get(old, k);
    const b: unknown = Reflect.get(next, k);
    if (deepEqual(a, b)) continue;
    lines.push(`-   ${k}: ${JSON.stringify(a)}`, `+   ${k}: ${JSON.stringify(b)}`);
  }
  return `  core.PodSpec{\n${lines.join("\n")}\n  }\n`;
}

export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = meta.update(pod.metadata, old.metadata);
  const spec = pod.spec ?? { containers: [] };
  const oldSpec = old.spec ?? { containers: [] };
  validateActiveDeadlineUpdate(spec, oldSpec, errs);
  validateTolerationUpdate(spec, oldSpec, errs);
  const munged = mungedSpec(spec, oldSpec);
  if (!deepEqual(munged, oldSpec)) {
    errs.push(
      fieldErrors.forbidden(
        specPath,
        `pod updates may not change fields other than ${podUpdatableFieldsText}\n${specDiff(oldSpec, munged)}`,
      ),
    );
  }
  return errs;
}

export const pods = defineResource<Obj<Pod>>({
  group: "",
  version: "v1",
  resource: "pods",
  singular: "pod",
  kind: "Pod",
  namespaced: true,
  shortNames: ["po"],
  categories: ["all"],
  hasStatus: true,
  subresources: [
    {
      name: "attach",
      kind: { group: "", version: "v1", kind: "PodAttachOptions" },
      verbs: ["create", "get"],
    },
    { name: "binding", kind: { group: "", version: "v1", kind: "Binding" }, verbs: ["create"] },
    { name: "ephemeralcontainers", verbs: ["get", "patch", "update"] },
    { name: "eviction", kind: { group: "policy", version: "v1", kind: "Eviction" }, verbs: ["create"] },
    { name: "exec", kind: { group: "", version: "v1", kind: "PodExecOptions" }, verbs: ["create", "get"] },
    { name: "log", verbs: ["get"] },
    {
      name: "portforward",
      kind: { group: "", version: "v1", kind: "PodPortForwardOptions" },
      verbs: ["create", "get"],
    },
    {
      name: "proxy",
      kind: { group: "", version: "v1", kind: "PodProxyOptions" },
      verbs: ["create", "delete", "get", "patch", "update"],
    },
  ],
  strategy: {
    ...podLifecycle,
    defaults(pod) {
      pod.spec ??= { containers: [] };
      defaultPodSpec(pod.spec);
      defaultPodOnlyFields(pod.spec);
    },
    prepareForCreate(pod) {
      // status is read-only in kubernetes-types; the server is the one place that sets it.
      Object.assign(pod, { status: { phase: "Pending", qosClass: podQosClass(pod.spec) } });
    },
    validate(pod) {
      const errs = meta.create(pod.metadata);
      errs.push(...validatePodSpec(pod.spec, specPath));
      // validate runs on updates too; only a create (no resourceVersion yet) must come without them.
      if (!pod.metadata?.resourceVersion) errs.push(...validateNoEphemeralOnCreate(pod));
      return errs;
    },
    validateUpdate: validatePodUpdate,
    table: podTable,
    fieldSelectors: {
      "spec.nodeName": (p) => p.spec?.nodeName ?? "",
      "spec.restartPolicy": (p) => p.spec?.restartPolicy ?? "",
      "spec.schedulerName": (p) => p.spec?.schedulerName ?? "",
      "spec.serviceAccountName": (p) => p.spec?.serviceAccountName ?? "",
      "spec.hostNetwork": (p) => boolField(p.spec?.hostNetwork),
      "status.phase": (p) => p.status?.phase ?? "",
      "status.podIP": (p) => p.status?.podIPs?.[0]?.ip ?? p.status?.podIP ?? "",
      "status.nominatedNodeName": (p) => p.status?.nominatedNodeName ?? "",
    },
  },
});
