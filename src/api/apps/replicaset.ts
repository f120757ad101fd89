// apps/v1 ReplicaSet: replicas default, selector/template validation, Desired/Current/Ready table, scale.
import type { ReplicaSet as ReplicaSetV1 } from "kubernetes-types/apps/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";
import {
  defaultPodTemplateSpec,
  formatLabelSelector,
  nameIsDnsSubdomain,
  validateImmutable,
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

export type ReplicaSet = Kube<ReplicaSetV1>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };

export function defaultReplicaSet(rs: ReplicaSet): void {
  rs.spec ??= { selector: {} };
  rs.spec.replicas ??= 1;
  if (rs.spec.template) defaultPodTemplateSpec(rs.spec.template);
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const errs = validateObjectMeta(rs.metadata, metaOptions);
  const s = rs.spec;
  if (!s) return [...errs, fieldErrors.required(spec, "")];
  errs.push(
    ...validateNonnegative(s.replicas, spec.child("replicas")),
    ...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")),
    // Kubernetes says "deployment" here too (ValidateReplicaSetSpec).
    ...validateSelectorAndTemplate({
      selector: s.selector,
      template: s.template,
      at: spec,
      kindWord: "deployment",
    }),
    ...validateReplicaTemplate(s.template, spec.child("template")),
  );
  return errs;
}

export const replicaSetTable: TableConvertor<ReplicaSet> = {
  columns: [
    nameColumn,
    column("Desired", "Replicas is the number of desired pods.", { type: "integer" }),
    column("Current", "Replicas is the most recently observed number of replicas.", { type: "integer" }),
    column("Ready", "The number of ready replicas for this replica set.", { type: "integer" }),
    ageColumn,
    ...containerColumns,
    column("Selector", "Selector is a label query over pods that should match the replica count.", {
      wide: true,
    }),
  ],
  cells(rs, now) {
    const [names, images] = containerCells(rs.spec?.template);
    return [
      rs.metadata?.name ?? "",
      rs.spec?.replicas ?? 0,
      rs.status?.replicas ?? 0,
      rs.status?.readyReplicas ?? 0,
      age(rs.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const replicasets: ResourceDef<ReplicaSet> = {
  group: "apps",
  version: "v1",
  resource: "replicasets",
  singular: "replicaset",
  kind: "ReplicaSet",
  namespaced: true,
  shortNames: ["rs"],
  categories: ["all"],
  hasStatus: true,
  scale: {
    specReplicasPath: "spec.replicas",
    statusReplicasPath: "status.replicas",
    labelSelectorPath: "spec.selector",
  },
  strategy: {
    defaults: defaultReplicaSet,
    prepareForCreate(rs) {
      setStatus(rs, { replicas: 0 });
    },
    validate: validateReplicaSet,
    validateUpdate: (rs, old) => [
      ...validateObjectMetaUpdate(rs.metadata, old.metadata, metaOptions),
      ...validateImmutable(rs.spec?.selector, old.spec?.selector, spec.child("selector")),
    ],
    table: replicaSetTable,
  },
};
