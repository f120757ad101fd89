// The resourcequotas resource: quota resource names and quantities, scopes, a status reset on
// create, and the AGE/REQUEST/LIMIT table of used/hard pairs.
import type { ResourceQuota } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { TableConvertor } from "../resource.ts";
import { isQualifiedName, nameIsDnsSubdomain } from "../validation/names.ts";
import { canonicalizeResourceList, isNativeResource, validateResourceList } from "../validation/resources.ts";
import { ageColumn, column, defineResource, metaValidation, nameColumn, type Obj } from "./define.ts";
import { quantityText } from "./persistentvolume.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);
const specPath = FieldPath.root("spec");
const quotaScopes = [
  "BestEffort",
  "CrossNamespacePodAffinity",
  "NotBestEffort",
  "NotTerminating",
  "PriorityClass",
  "Terminating",
];
const standardQuotaResources = new Set([
  "pods",
  "services",
  "replicationcontrollers",
  "resourcequotas",
  "secrets",
  "configmaps",
  "persistentvolumeclaims",
  "services.nodeports",
  "services.loadbalancers",
  "cpu",
  "memory",
  "ephemeral-storage",
  "storage",
  "requests.cpu",
  "requests.memory",
  "requests.storage",
  "requests.ephemeral-storage",
  "limits.cpu",
  "limits.memory",
  "limits.ephemeral-storage",
]);

function isStandardQuotaResource(name: string): boolean {
  return (
    standardQuotaResources.has(name) ||
    name.startsWith("hugepages-") ||
    name.startsWith("requests.hugepages-") ||
    name.startsWith("count/") ||
    name.includes(".storageclass.storage.k8s.io/")
  );
}

function validateQuotaResourceName(name: string, at: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => fieldErrors.invalid(at, name, msg));
  if (errs.length === 0 && isNativeResource(name) && !isStandardQuotaResource(name)) {
    errs.push(fieldErrors.invalid(at, name, "must be a standard resource for quota"));
  }
  return errs;
}

function validateResourceQuota(rq: ResourceQuota): FieldError[] {
  const errs = meta.create(rq.metadata);
  errs.push(...validateResourceList(rq.spec?.hard, specPath.child("hard"), validateQuotaResourceName));
  const scopes = rq.spec?.scopes ?? [];
  if (scopes.some((scope) => !quotaScopes.includes(scope))) {
    errs.push(fieldErrors.invalid(specPath.child("scopes"), scopes, "unsupported scope"));
  }
  const conflicting = [
    ["BestEffort", "NotBestEffort"],
    ["Terminating", "NotTerminating"],
  ];
  for (const pair of conflicting) {
    if (pair.every((scope) => scopes.includes(scope))) {
      errs.push(fieldErrors.invalid(specPath.child("scopes"), scopes, "conflicting scopes"));
    }
  }
  const statusPath = FieldPath.root("status");
  errs.push(...validateResourceList(rq.status?.hard, statusPath.child("hard"), validateQuotaResourceName));
  errs.push(...validateResourceList(rq.status?.used, statusPath.child("used"), validateQuotaResourceName));
  return errs;
}

/** The REQUEST and LIMIT cells: `name: used/hard` pairs, limits.* going to LIMIT. */
export function quotaCells(rq: ResourceQuota): [string, string] {
  const hard = rq.status?.hard ?? {};
  const used = rq.status?.used ?? {};
  const request: string[] = [];
  const limit: string[] = [];
  for (const name of Object.keys(hard).sort()) {
    const text = `${name}: ${quantityText(used[name])}/${quantityText(hard[name])}`;
    (name.split(".")[0] === "limits" && name.includes(".") ? limit : request).push(text);
  }
  return [request.join(", "), limit.join(", ")];
}

export const resourceQuotaTable: TableConvertor<Obj<ResourceQuota>> = {
  columns: [
    nameColumn,
    ageColumn,
    column("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
    column(
      "Limit",
      "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.",
    ),
  ],
  cells(rq, now) {
    const [request, limit] = quotaCells(rq);
    return [rq.metadata?.name ?? "", age(rq.metadata?.creationTimestamp, now), request, limit];
  },
};

export const resourceQuotas = defineResource<Obj<ResourceQuota>>({
  group: "",
  version: "v1",
  resource: "resourcequotas",
  singular: "resourcequota",
  kind: "ResourceQuota",
  namespaced: true,
  shortNames: ["quota"],
  hasStatus: true,
  strategy: {
    defaults(rq) {
      canonicalizeResourceList(rq.spec?.hard);
    },
    prepareForCreate(rq) {
      Object.assign(rq, { status: {} });
    },
    validate: validateResourceQuota,
    validateUpdate: (rq, old) => meta.update(rq.metadata, old.metadata),
    table: resourceQuotaTable,
  },
});
