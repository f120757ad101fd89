// apps/v1 StatefulSet: defaults (OrderedReady, RollingUpdate partition 0, PVC retention Retain),
// validation including the fields an update may change, the Ready table, and scale.
import type { StatefulSetSpec, StatefulSet as StatefulSetV1 } from "kubernetes-types/apps/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";
import {
  deepEqual,
  defaultPodTemplateSpec,
  nameIsDnsSubdomain,
  validateNonnegative,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from "./coredeps.ts";
import {
  ageColumn,
  column,
  containerCells,
  containerColumns,
  type Kube,
  nameColumn,
  setStatus,
} from "./printing.ts";
import { validateReplicaTemplate, validateSelectorAndTemplate } from "./validation.ts";

export type StatefulSet = Kube<StatefulSetV1>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
const retentionPolicies = ["Retain", "Delete"];

export function defaultStatefulSet(sts: StatefulSet): void {
  sts.spec ??= { selector: {}, template: {}, serviceName: "" };
  const s = sts.spec;
  s.podManagementPolicy ??= "OrderedReady";
  s.updateStrategy ??= {};
  s.updateStrategy.type ??= "RollingUpdate";
  if (s.updateStrategy.type === "RollingUpdate") {
    s.updateStrategy.rollingUpdate ??= {};
    s.updateStrategy.rollingUpdate.partition ??= 0;
  }
  s.persistentVolumeClaimRetentionPolicy ??= {};
  s.persistentVolumeClaimRetentionPolicy.whenDeleted ??= "Retain";
  s.persistentVolumeClaimRetentionPolicy.whenScaled ??= "Retain";
  s.replicas ??= 1;
  s.revisionHistoryLimit ??= 10;
  s.template ??= {};
  defaultPodTemplateSpec(s.template);
  for (const claim of s.volumeClaimTemplates ?? []) {
    claim.spec ??= {};
    claim.spec.volumeMode ??= "Filesystem";
  }
}

function validateSpec(s: StatefulSetSpec): FieldError[] {
  const errs: FieldError[] = [];
  switch (s.podManagementPolicy) {
    case "OrderedReady":
    case "Parallel":
      break;
    case undefined:
    case "":
      errs.push(fieldErrors.required(spec.child("podManagementPolicy"), ""));
      break;
    default:
      errs.push(
        fieldErrors.invalid(
          spec.child("podManagementPolicy"),
          s.podManagementPolicy,
          "must be 'OrderedReady' or 'Parallel'",
        ),
      );
  }
  const us = s.updateStrategy;
  switch (us?.type) {
    case "RollingUpdate":
      errs.push(
        ...validateNonnegative(
          us.rollingUpdate?.partition,
          spec.child("updateStrategy").child("rollingUpdate").child("partition"),
        ),
      );
      break;
    case "OnDelete":
      if (us.rollingUpdate) {
        errs.push(
          fieldErrors.invalid(
            spec.child("updateStrategy").child("rollingUpdate"),
            us.rollingUpdate,
            "only allowed for updateStrategy 'RollingUpdate'",
          ),
        );
      }
      break;
    case undefined:
    case "":
      errs.push(fieldErrors.required(spec.child("updateStrategy"), ""));
      break;
    default:
      errs.push(
        fieldErrors.invalid(spec.child("updateStrategy"), us, "must be 'RollingUpdate' or 'OnDelete'"),
      );
  }
  const retention = s.persistentVolumeClaimRetentionPolicy;
  const rAt = spec.child("persistentVolumeClaimRetentionPolicy");
  for (const key of ["whenDeleted", "whenScaled"] as const) {
    const v = retention?.[key];
    if (v !== undefined && !retentionPolicies.includes(v)) {
      errs.push(fieldErrors.notSupported(rAt.child(key), v, retentionPolicies));
    }
  }
  errs.push(
    ...validateNonnegative(s.replicas, spec.child("replicas")),
    ...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")),
    ...validateNonnegative(s.ordinals?.start, spec.child("ordinals").child("start")),
    ...validateSelectorAndTemplate({
      selector: s.selector,
      template: s.template,
      at: spec,
      kindWord: "statefulset",
    }),
    ...validateReplicaTemplate(s.template, spec.child("template")),
  );
  return errs;
}

export function validateStatefulSet(sts: StatefulSet): FieldError[] {
  const errs = validateObjectMeta(sts.metadata, metaOptions);
  return sts.spec ? [...errs, ...validateSpec(sts.spec)] : [...errs, fieldErrors.required(spec, "")];
}

/** Only these spec fields may change after creation (ValidateStatefulSetUpdate). */
const mutableSpecFields = [
  "replicas",
  "ordinals",
  "template",
  "updateStrategy",
  "persistentVolumeClaimRetentionPolicy",
  "minReadySeconds",
];

function withoutMutable(s: StatefulSetSpec | undefined): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(s ?? {}) };
  for (const f of mutableSpecFields) delete copy[f];
  return copy;
}

export function validateStatefulSetUpdate(sts: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = validateObjectMetaUpdate(sts.metadata, old.metadata, metaOptions);
  if (!deepEqual(withoutMutable(sts.spec), withoutMutable(old.spec))) {
    errs.push(
      fieldErrors.forbidden(
        spec,
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}

export const statefulSetTable: TableConvertor<StatefulSet> = {
  columns: [
    nameColumn,
    column("Ready", "Number of the pod with ready state"),
    ageColumn,
    ...containerColumns,
  ],
  cells(sts, now) {
    const [names, images] = containerCells(sts.spec?.template);
    return [
      sts.metadata?.name ?? "",
      `${sts.status?.readyReplicas ?? 0}/${sts.spec?.replicas ?? 0}`,
      age(sts.metadata?.creationTimestamp, now),
      names,
      images,
    ];
  },
};

export const statefulsets: ResourceDef<StatefulSet> = {
  group: "apps",
  version: "v1",
  resource: "statefulsets",
  singular: "statefulset",
  kind: "StatefulSet",
  namespaced: true,
  shortNames: ["sts"],
  categories: ["all"],
  hasStatus: true,
  scale: {
    specReplicasPath: "spec.replicas",
    statusReplicasPath: "status.replicas",
    labelSelectorPath: "spec.selector",
  },
  strategy: {
    defaults: defaultStatefulSet,
    prepareForCreate(sts) {
      setStatus(sts, { replicas: 0, availableReplicas: 0 });
    },
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
    table: statefulSetTable,
  },
};
