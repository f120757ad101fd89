// apiregistration.k8s.io/v1 APIService: kube-types has no typings for it, so the shape is
// declared here; validation (name = version.group, priorities) and the Service/Available table.
import type { Condition, ObjectMeta } from "kubernetes-types/meta/v1.js";
import {
  isDns1035Label,
  isDns1123Subdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "../apps/coredeps.ts";
import { ageColumn, column, nameColumn } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { KubeObject } from "../object.ts";
import type { ResourceDef } from "../resource.ts";

export interface APIService extends KubeObject {
  metadata?: ObjectMeta;
  spec?: {
    service?: { namespace?: string; name?: string; port?: number };
    group?: string;
    version?: string;
    insecureSkipTLSVerify?: boolean;
    caBundle?: string;
    groupPriorityMinimum?: number;
    versionPriority?: number;
  };
  status?: { conditions?: Condition[] };
}

const spec = FieldPath.root("spec");
const nameFn = (name: string) => (name.includes(".") ? [] : ["must be version.group"]);
const metaOptions = { namespaced: false, nameFn };

export function validateAPIService(svc: APIService): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, metaOptions);
  const s = svc.spec ?? {};
  const name = svc.metadata?.name ?? "";
  if (!s.version) errs.push(fieldErrors.required(spec.child("version"), ""));
  else
    for (const msg of isDns1035Label(s.version))
      errs.push(fieldErrors.invalid(spec.child("version"), s.version, msg));
  if (s.group)
    for (const msg of isDns1123Subdomain(s.group))
      errs.push(fieldErrors.invalid(spec.child("group"), s.group, msg));
  if (name !== `${s.version}.${s.group ?? ""}`) {
    errs.push(
      fieldErrors.invalid(
        FieldPath.root("metadata").child("name"),
        name,
        'must be `spec.version+"."+spec.group`',
      ),
    );
  }
  const gp = s.groupPriorityMinimum ?? 0;
  if (gp <= 0 || gp > 20000)
    errs.push(
      fieldErrors.invalid(spec.child("groupPriorityMinimum"), gp, "must be positive and less than 20000"),
    );
  const vp = s.versionPriority ?? 0;
  if (vp <= 0 || vp > 1000)
    errs.push(fieldErrors.invalid(spec.child("versionPriority"), vp, "must be positive and less than 1000"));
  if (s.insecureSkipTLSVerify && s.caBundle) {
    errs.push(
      fieldErrors.invalid(
        spec.child("insecureSkipTLSVerify"),
        true,
        "may not be true if caBundle is present",
      ),
    );
  }
  return errs;
}

/** The Available cell: the condition status, with its reason when not True; Unknown if absent. */
export function apiServiceAvailable(svc: APIService): string {
  const c = svc.status?.conditions?.find((x) => x.type === "Available");
  if (!c) return "Unknown";
  if (c.status === "True" || !c.reason) return c.status;
  return `${c.status} (${c.reason})`;
}

export const apiservices: ResourceDef<APIService> = {
  group: "apiregistration.k8s.io",
  version: "v1",
  resource: "apiservices",
  singular: "apiservice",
  kind: "APIService",
  namespaced: false,
  hasStatus: true,
  strategy: {
    defaults(svc) {
      if (svc.spec?.service) svc.spec.service.port ??= 443;
    },
    prepareForCreate(svc) {
      svc.status = {};
    },
    validate: validateAPIService,
    validateUpdate: (svc, old) => [
      ...validateObjectMetaUpdate(svc.metadata, old.metadata, metaOptions),
      ...validateAPIService(svc),
    ],
    table: {
      columns: [
        nameColumn,
        column("Service", "The reference to the service that hosts this API endpoint."),
        column("Available", "Whether this service is available."),
        ageColumn,
      ],
      cells: (svc, now) => [
        svc.metadata?.name ?? "",
        svc.spec?.service ? `${svc.spec.service.namespace}/${svc.spec.service.name}` : "Local",
        apiServiceAvailable(svc),
        age(svc.metadata?.creationTimestamp, now),
      ],
    },
  },
};
