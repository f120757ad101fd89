// The LimitRanger admission plugin: on pod create, containers missing requests or limits get the
// namespace's LimitRange (type Container) defaultRequest/default, recorded in the
// kubernetes.io/limit-ranger annotation; then every container's requests and limits must lie
// within min/max (and maxLimitRequestRatio), else 403 with Kubernetes' messages.
import type { Container, LimitRange, LimitRangeItem, PodSpec } from "kubernetes-types/core/v1.js";
import { limitRanges } from "../../api/core/limitrange.ts";
import { ForbiddenError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { Quantity } from "../../api/quantity.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";

export interface LimitRangerOptions {
  source: ObjectSource;
}

export const limitRangerAnnotation = "kubernetes.io/limit-ranger";
const limitRangeDef = limitRanges as unknown as ResourceDef;

function isPodCreate(attrs: AdmissionAttributes): boolean {
  return (
    attrs.def.group === "" &&
    attrs.def.resource === "pods" &&
    attrs.subresource === "" &&
    attrs.operation === "CREATE" &&
    attrs.object !== undefined
  );
}

async function containerItems(source: ObjectSource, namespace: string): Promise<LimitRangeItem[]> {
  const ranges = (await source.list(limitRangeDef, { namespace })).items as unknown as LimitRange[];
  return ranges.flatMap((r) => (r.spec?.limits ?? []).filter((l) => l.type === "Container"));
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

const q = (v: unknown): Quantity | undefined => (v === undefined ? undefined : Quantity.tryParse(String(v)));

/** Kubernetes' min/max/ratio checks for one container against one item. */
export function violations(c: Container, item: LimitRangeItem): string[] {
  const out: string[] = [];
  const kind = item.type;
  for (const [r, v] of Object.entries(item.min ?? {})) {
    const min = q(v);
    const req = q(c.resources?.requests?.[r]);
    const lim = q(c.resources?.limits?.[r]);
    if (!min) continue;
    if (!req) out.push(`minimum ${r} usage per ${kind} is ${min.toString()}.  No request is specified`);
    else if (req.cmp(min) < 0)
      out.push(`minimum ${r} usage per ${kind} is ${min.toString()}, but request is ${req.toString()}`);
    else if (lim && lim.cmp(min) < 0)
      out.push(`minimum ${r} usage per ${kind} is ${min.toString()}, but limit is ${lim.toString()}`);
  }
  for (const [r, v] of Object.entries(item.max ?? {})) {
    const max = q(v);
    const req = q(c.resources?.requests?.[r]);
    const lim = q(c.resources?.limits?.[r]);
    if (!max) continue;
    if (!lim) out.push(`maximum ${r} usage per ${kind} is ${max.toString()}.  No limit is specified`);
    else if (lim.cmp(max) > 0)
      out.push(`maximum ${r} usage per ${kind} is ${max.toString()}, but limit is ${lim.toString()}`);
    else if (req && req.cmp(max) > 0)
      out.push(`maximum ${r} usage per ${kind} is ${max.toString()}, but request is ${req.toString()}`);
  }
  for (const [r, v] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const ratio = q(v);
    const req = q(c.resources?.requests?.[r]);
    const lim = q(c.resources?.limits?.[r]);
    if (!ratio) continue;
    if (!req || !lim) {
      out.push(
        `${r} max limit to request ratio per ${kind} is ${ratio.toString()}, but no ${!req ? "request" : "limit"} is specified`,
      );
      continue;
    }
    const actual = Number(lim.milliValue()) / Number(req.milliValue());
    if (actual > ratio.toNumber()) {
      out.push(
        `${r} max limit to request ratio per ${kind} is ${ratio.toString()}, but provided ratio is ${actual.toFixed(6)}`,
      );
    }
  }
  return out;
}

function containersOf(spec: PodSpec): [Container, string][] {
  return [
    ...(spec.initContainers ?? []).map((c): [Container, string] => [c, "init container"]),
    ...(spec.containers ?? []).map((c): [Container, string] => [c, "container"]),
  ];
}

export function limitRangerAdmission(options: LimitRangerOptions): AdmissionPlugin {
  return {
    name: "LimitRanger",
    async admit(attrs) {
      if (!isPodCreate(attrs)) return;
      const items = await containerItems(options.source, attrs.namespace);
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
      if (!isPodCreate(attrs)) return;
      const items = await containerItems(options.source, attrs.namespace);
      const spec = ((attrs.object as KubeObject).spec ?? {}) as PodSpec;
      const errs = items.flatMap((item) => containersOf(spec).flatMap(([c]) => violations(c, item)));
      if (errs.length === 0) return;
      const meta = (attrs.object?.metadata ?? {}) as { name?: string; generateName?: string };
      const name = meta.name || meta.generateName || "Unknown";
      const why = errs.length === 1 ? errs[0] : `[${errs.join(", ")}]`;
      throw new ForbiddenError(`pods "${name}" is forbidden: ${why}`, { name, kind: "pods" });
    },
  };
}
