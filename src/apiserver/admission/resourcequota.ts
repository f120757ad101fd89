// The ResourceQuota admission plugin: a create in a namespace with quotas is refused (403,
// Kubernetes' "exceeded quota: …" wording) when its usage would take a constrained resource past
// `hard`; otherwise the quotas' status.used is raised at once (so quick successive creates cannot
// all slip under the limit), and the quota controller settles the exact figures later.
import type { Pod, ResourceQuota } from "kubernetes-types/core/v1.js";
import {
  addUsage,
  formatUsage,
  missingComputeResources,
  objectUsage,
  quotaTracks,
  type Usage,
} from "../../api/core/quota-usage.ts";
import { resourceQuotas } from "../../api/core/resourcequota.ts";
import { ApiError, ForbiddenError, TimeoutError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { Quantity } from "../../api/quantity.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";
import type { ObjectStore } from "../storage/objectstore.ts";

export interface ResourceQuotaAdmissionOptions {
  /** Reads the namespace's quotas (the watch cache). */
  source: ObjectSource;
  /** Writes the raised status.used (compare-and-swap on the stored object). */
  objects: ObjectStore;
}

type Quota = ResourceQuota & KubeObject;
const quotaDef = resourceQuotas as unknown as ResourceDef;

function forbidden(attrs: AdmissionAttributes, why: string): ForbiddenError {
  const meta = (attrs.object?.metadata ?? {}) as { name?: string; generateName?: string };
  const name = meta.name || meta.generateName || attrs.name || "Unknown";
  const resource = attrs.def.group === "" ? attrs.def.resource : `${attrs.def.resource}.${attrs.def.group}`;
  return new ForbiddenError(`${resource} "${name}" is forbidden: ${why}`, { name, kind: attrs.def.resource });
}

function toUsage(list: Record<string, unknown> | undefined): Usage {
  const u: Usage = new Map();
  for (const [k, v] of Object.entries(list ?? {})) {
    const q = Quantity.tryParse(String(v));
    if (q) u.set(k, q);
  }
  return u;
}

/** The quota's status after this object, or the refusal. Keys not in `hard` are not tracked. */
function charge(attrs: AdmissionAttributes, quota: Quota, delta: Usage): Record<string, string> | undefined {
  const name = quota.metadata?.name ?? "";
  const hard = toUsage(quota.spec?.hard as Record<string, unknown> | undefined);
  const interesting = [...delta.keys()].filter((k) => hard.has(k));
  if (attrs.def.group === "" && attrs.def.resource === "pods") {
    const missing = missingComputeResources(attrs.object as Pod, [...hard.keys()]);
    if (missing.length > 0)
      throw forbidden(attrs, `failed quota: ${name}: must specify ${missing.join("; ")}`);
  }
  if (interesting.length === 0) return undefined;
  const statusHard = quota.status?.hard ?? {};
  if (interesting.some((k) => !(k in statusHard))) {
    throw forbidden(
      attrs,
      `status unknown for quota: ${name}, resource: ${[...interesting].sort().join(",")}`,
    );
  }
  const used = toUsage(quota.status?.used as Record<string, unknown> | undefined);
  const next: Usage = new Map(used);
  addUsage(next, new Map(interesting.map((k) => [k, delta.get(k) ?? Quantity.fromInteger(0)])));
  const exceeded = interesting.filter((k) => {
    const h = hard.get(k);
    const n = next.get(k);
    return h !== undefined && n !== undefined && n.cmp(h) > 0;
  });
  if (exceeded.length > 0) {
    throw forbidden(
      attrs,
      `exceeded quota: ${name}, requested: ${formatUsage(delta, exceeded)}, used: ${formatUsage(used, exceeded)}, limited: ${formatUsage(hard, exceeded)}`,
    );
  }
  const out: Record<string, string> = {};
  for (const [k, q] of next) out[k] = q.toString();
  return out;
}

export function resourceQuotaAdmission(options: ResourceQuotaAdmissionOptions): AdmissionPlugin {
  return {
    name: "ResourceQuota",
    async validate(attrs) {
      if (attrs.operation !== "CREATE" || attrs.subresource !== "" || !attrs.object || !attrs.def.namespaced)
        return;
      // Most namespaces have no quota: look before computing the object's usage.
      let delta: Usage | undefined;
      for (let attempt = 0; ; attempt++) {
        const page = await options.source.list(quotaDef, { namespace: attrs.namespace });
        const quotas = page.items as Quota[];
        if (quotas.length === 0) return;
        delta ??= objectUsage(attrs.def.group, attrs.def.resource, attrs.object as { spec?: unknown });
        if (delta.size === 0) return;
        const updates: { quota: Quota; used: Record<string, string> }[] = [];
        for (const quota of quotas) {
          if (!quotaTracks(quota, attrs.def.group, attrs.def.resource, attrs.object)) continue;
          const used = charge(attrs, quota, delta);
          if (used) updates.push({ quota, used });
        }
        if (attrs.dryRun || updates.length === 0) return;
        try {
          for (const { quota, used } of updates) {
            const fresh = await options.objects.get(quotaDef, attrs.namespace, quota.metadata?.name ?? "");
            if (!fresh || fresh.metadata?.resourceVersion !== quota.metadata?.resourceVersion) {
              throw new ApiError(409, "Conflict", "quota changed");
            }
            await options.objects.update(
              quotaDef,
              { ...fresh, status: { ...(fresh.status as object), used } },
              Number(quota.metadata?.resourceVersion),
            );
          }
          return;
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 409)) throw err;
          if (attempt >= 10) throw new TimeoutError("resource quota evaluation timed out", 1);
          // The cache is behind the quota we (or the controller) just wrote: read again.
          await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
        }
      }
    },
  };
}
