// The LimitRanger admission plugin: on pod create, containers missing requests or limits get the
// namespace's LimitRange (type Container) defaultRequest/default, recorded in the
// kubernetes.io/limit-ranger annotation; then containers (type Container), the pod as a whole
// (type Pod) and claims on create/update (type PersistentVolumeClaim) must lie within min/max (and
// maxLimitRequestRatio), else 403 with Kubernetes' messages (limitranger-constraints.ts).
import type {
  Container,
  LimitRange,
  LimitRangeItem,
  PersistentVolumeClaimSpec,
  PodSpec,
} from "kubernetes-types/core/v1.js";
import { limitRanges } from "../../api/core/limitrange.ts";
import { ForbiddenError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";
import { claimViolations, podViolations } from "./limitranger-constraints.ts";

export { violations } from "./limitranger-constraints.ts";

export interface LimitRangerOptions {
  source: ObjectSource;
}

export const limitRangerAnnotation = "kubernetes.io/limit-ranger";
const limitRangeDef = limitRanges as unknown as ResourceDef;

function isCore(attrs: AdmissionAttributes, resource: string): boolean {
  return (
    attrs.def.group === "" &&
    attrs.def.resource === resource &&
    attrs.subresource === "" &&
    attrs.object !== undefined
  );
}

/** Pods are checked on create only (containers' resources are immutable); claims on create and update. */
function isPodCreate(attrs: AdmissionAttributes): boolean {
  return isCore(attrs, "pods") && attrs.operation === "CREATE";
}

function isClaimWrite(attrs: AdmissionAttributes): boolean {
  return (
    isCore(attrs, "persistentvolumeclaims") && (attrs.operation === "CREATE" || attrs.operation === "UPDATE")
  );
}

async function rangeItems(source: ObjectSource, namespace: string): Promise<LimitRangeItem[]> {
  const ranges = (await source.list(limitRangeDef, { namespace })).items as unknown as LimitRange[];
  return ranges.flatMap((r) => r.spec?.limits ?? []);
}

/** Fills a container's missing requests/limits; returns the annotation parts for it. */
export function applyDefaults(c: Container, item: LimitRangeItem, prefix: string): string[] {
  const requests = { ...(c.resources?.requests ?? {}) };
  const limits = { ...(c.resources?.limits ?? {}) };
  const setRequests: string[] = [];
  const setLimits: string[] = [];
  for (const [k, v] of Object.entries(item.default ?? {})) {
    if (!(k in limits)) {
      limits[k] = v;
      setLimits.push(k);
    }
  }
  for (const [k, v] of Object.entries(item.defaultRequest ?? {})) {
    if (!(k in requests)) {
      requests[k] = v;
      setRequests.push(k);
    }
  }
  if (setRequests.length + setLimits.length > 0) {
    c.resources = {
      ...(c.resources ?? {}),
      ...(Object.keys(requests).length > 0 ? { requests } : {}),
      ...(Object.keys(limits).length > 0 ? { limits } : {}),
    };
  }
  const parts: string[] = [];
  if (setRequests.length > 0) parts.push(`${setRequests.sort().join(", ")} request for ${prefix} ${c.name}`);
  if (setLimits.length > 0) parts.push(`${setLimits.sort().join(", ")} limit for ${prefix} ${c.name}`);
  return parts;
}

function containersOf(spec: PodSpec): [Container, string][] {
  return [
    ...(spec.initContainers ?? []).map((c): [Container, string] => [c, "init container"]),
    ...(spec.containers ?? []).map((c): [Container, string] => [c, "container"]),
  ];
}

function reject(attrs: AdmissionAttributes, errs: string[]): void {
  if (errs.length === 0) return;
  const meta = (attrs.object?.metadata ?? {}) as { name?: string; generateName?: string };
  const name = meta.name || meta.generateName || "Unknown";
  const why = errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
  throw new ForbiddenError(`${attrs.def.resource} "${name}" is forbidden: ${why}`, {
    name,
    kind: attrs.def.resource,
  });
}

function claimRequests(obj: KubeObject | undefined): Record<string, unknown> | undefined {
  return ((obj?.spec ?? {}) as PersistentVolumeClaimSpec).resources?.requests;
}

export function limitRangerAdmission(options: LimitRangerOptions): AdmissionPlugin {
  return {
    name: "LimitRanger",
    async admit(attrs) {
      if (!isPodCreate(attrs)) return;
      const items = (await rangeItems(options.source, attrs.namespace)).filter((l) => l.type === "Container");
      if (items.length === 0) return;
      const pod = attrs.object as KubeObject;
      const spec = (pod.spec ?? {}) as PodSpec;
      const parts: string[] = [];
      for (const item of items)
        for (const [c, prefix] of containersOf(spec)) parts.push(...applyDefaults(c, item, prefix));
      if (parts.length > 0) {
        const meta = pod.metadata ?? {};
        pod.metadata = {
          ...meta,
          annotations: {
            ...(meta.annotations ?? {}),
            [limitRangerAnnotation]: `LimitRanger plugin set: ${parts.join("; ")}`,
          },
        };
      }
    },
    async validate(attrs) {
      if (isPodCreate(attrs)) {
        const items = await rangeItems(options.source, attrs.namespace);
        const spec = ((attrs.object as KubeObject).spec ?? {}) as PodSpec;
        reject(
          attrs,
          items.flatMap((item) => podViolations(spec, item)),
        );
      } else if (isClaimWrite(attrs)) {
        const items = await rangeItems(options.source, attrs.namespace);
        const requests = claimRequests(attrs.object);
        const old = attrs.operation === "UPDATE" ? claimRequests(attrs.oldObject) : undefined;
        reject(
          attrs,
          items.flatMap((item) => claimViolations(requests, old, item)),
        );
      }
    },
  };
}
