// The replicationcontrollers resource: selector/labels/replicas defaults from the template,
// spec validation, the DESIRED/CURRENT/READY table, status.replicas selector and scale.
import type { ReplicationController } from "kubernetes-types/core/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { TableConvertor } from "../resource.ts";
import { nameIsDnsSubdomain } from "../validation/names.ts";
import { validateLabels, validateNonnegative } from "../validation/objectmeta.ts";
import {
  ageColumn,
  column,
  containerCells,
  defineResource,
  formatLabels,
  metaValidation,
  nameColumn,
  type Obj,
} from "./define.ts";
import { defaultPodTemplateSpec } from "./podspec-defaults.ts";
import { validateReplicatedPodTemplate } from "./workload-template.ts";

const meta = metaValidation(true, nameIsDnsSubdomain);
const specPath = FieldPath.root("spec");

function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function defaultReplicationController(rc: ReplicationController): void {
  rc.spec ??= {};
  const labels = rc.spec.template?.metadata?.labels;
  if (labels && Object.keys(labels).length > 0) {
    if (Object.keys(rc.spec.selector ?? {}).length === 0) rc.spec.selector = { ...labels };
    rc.metadata ??= {};
    if (Object.keys(rc.metadata.labels ?? {}).length === 0) rc.metadata.labels = { ...labels };
  }
  rc.spec.replicas ??= 1;
  if (rc.spec.template) defaultPodTemplateSpec(rc.spec.template);
}

function validateReplicationController(rc: ReplicationController): FieldError[] {
  const errs = meta.create(rc.metadata);
  const spec = rc.spec ?? {};
  const selector = spec.selector ?? {};
  errs.push(...validateNonnegative(spec.minReadySeconds, specPath.child("minReadySeconds")));
  errs.push(...validateNonnegative(spec.replicas, specPath.child("replicas")));
  if (Object.keys(selector).length === 0) errs.push(fieldErrors.required(specPath.child("selector"), ""));
  else errs.push(...validateLabels(selector, specPath.child("selector")));
  errs.push(
    ...validateReplicatedPodTemplate(spec.template, specPath.child("template"), {
      kind: "ReplicationController",
      selectorMatches: (labels) => Object.keys(selector).length > 0 && mapSelectorMatches(selector, labels),
    }),
  );
  return errs;
}

export const replicationControllerTable: TableConvertor<Obj<ReplicationController>> = {
  columns: [
    nameColumn,
    column("Desired", "Replicas is the number of desired replicas.", { type: "integer" }),
    column("Current", "Replicas is the most recently observed number of replicas.", { type: "integer" }),
    column("Ready", "The number of ready replicas for this replication controller.", { type: "integer" }),
    ageColumn,
    column("Containers", "Names of each container in the template.", { wide: true }),
    column("Images", "Images referenced by each container in the template.", { wide: true }),
    column(
      "Selector",
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
      { wide: true },
    ),
  ],
  cells(rc, now) {
    const [names, images] = containerCells(rc.spec?.template?.spec?.containers);
    return [
      rc.metadata?.name ?? "",
      rc.spec?.replicas ?? 0,
      rc.status?.replicas ?? 0,
      rc.status?.readyReplicas ?? 0,
      age(rc.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabels(rc.spec?.selector),
    ];
  },
};

export const replicationControllers = defineResource<Obj<ReplicationController>>({
  group: "",
  version: "v1",
  resource: "replicationcontrollers",
  singular: "replicationcontroller",
  kind: "ReplicationController",
  namespaced: true,
  shortNames: ["rc"],
  categories: ["all"],
  hasStatus: true,
  // RC's selector is a plain label map, not a LabelSelector object.
  scale: {
    specReplicasPath: "spec.replicas",
    statusReplicasPath: "status.replicas",
    labelSelectorPath: "spec.selector",
  },
  strategy: {
    defaults: defaultReplicationController,
    prepareForCreate(rc) {
      Object.assign(rc, { status: { replicas: 0 } });
    },
    validate: validateReplicationController,
    validateUpdate: (rc, old) => meta.update(rc.metadata, old.metadata),
    table: replicationControllerTable,
    fieldSelectors: { "status.replicas": (rc) => String(rc.status?.replicas ?? 0) },
  },
});
