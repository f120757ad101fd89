// apps/v1 Deployment: defaults (apps/v1 defaults.go), validation (apps/validation), the kubectl
// table (Ready, Up-to-date, Available) and the scale subresource.
import type { DeploymentStrategy, Deployment as DeploymentV1 } from "kubernetes-types/apps/v1.js";
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

export type Deployment = Kube<DeploymentV1>;

import {
  intOrPercentValue,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
  validateReplicaTemplate,
  validateSelectorAndTemplate,
} from "./validation.ts";

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };

export function defaultDeployment(d: Deployment): void {
  d.spec ??= { selector: {}, template: {} };
  const s = d.spec;
  s.replicas ??= 1;
  s.strategy ??= {};
  s.strategy.type ??= "RollingUpdate";
  if (s.strategy.type === "RollingUpdate") {
    s.strategy.rollingUpdate ??= {};
    s.strategy.rollingUpdate.maxUnavailable ??= "25%";
    s.strategy.rollingUpdate.maxSurge ??= "25%";
  }
  s.revisionHistoryLimit ??= 10;
  s.progressDeadlineSeconds ??= 600;
  s.template ??= {};
  defaultPodTemplateSpec(s.template);
}

export function validateDeploymentStrategy(
  strategy: DeploymentStrategy | undefined,
  at: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  switch (strategy?.type) {
    case "Recreate":
      if (strategy.rollingUpdate) {
        errs.push(
          fieldErrors.forbidden(
            at.child("rollingUpdate"),
            "may not be specified when strategy `type` is 'Recreate'",
          ),
        );
      }
      break;
    case "RollingUpdate": {
      const ru = strategy.rollingUpdate;
      if (!ru) {
        errs.push(
          fieldErrors.required(at.child("rollingUpdate"), "this should be defaulted and never be nil"),
        );
        break;
      }
      const ruAt = at.child("rollingUpdate");
      errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, ruAt.child("maxUnavailable")));
      errs.push(...validatePositiveIntOrPercent(ru.maxSurge, ruAt.child("maxSurge")));
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(
          fieldErrors.invalid(
            ruAt.child("maxUnavailable"),
            ru.maxUnavailable,
            "may not be 0 when `maxSurge` is 0",
          ),
        );
      }
      errs.push(...validateNotMoreThan100Percent(ru.maxUnavailable, ruAt.child("maxUnavailable")));
      break;
    }
    default:
      errs.push(fieldErrors.notSupported(at.child("type"), strategy?.type, ["Recreate", "RollingUpdate"]));
  }
  return errs;
}

function validateDeploymentSpec(d: Deployment): FieldError[] {
  const s = d.spec;
  if (!s) return [fieldErrors.required(spec, "")];
  const errs = [
    ...validateNonnegative(s.replicas, spec.child("replicas")),
    ...validateSelectorAndTemplate({
      selector: s.selector,
      template: s.template,
      at: spec,
      kindWord: "deployment",
    }),
    ...validateReplicaTemplate(s.template, spec.child("template")),
    ...validateDeploymentStrategy(s.strategy, spec.child("strategy")),
    ...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")),
    ...validateNonnegative(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")),
  ];
  if (s.progressDeadlineSeconds !== undefined) {
    errs.push(...validateNonnegative(s.progressDeadlineSeconds, spec.child("progressDeadlineSeconds")));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(
        fieldErrors.invalid(
          spec.child("progressDeadlineSeconds"),
          s.progressDeadlineSeconds,
          "must be greater than minReadySeconds",
        ),
      );
    }
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  return [...validateObjectMeta(d.metadata, metaOptions), ...validateDeploymentSpec(d)];
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata, metaOptions),
    ...validateImmutable(d.spec?.selector, old.spec?.selector, spec.child("selector")),
  ];
}

export const deploymentTable: TableConvertor<Deployment> = {
  columns: [
    nameColumn,
    column("Ready", "Number of the pod with ready state"),
    column(
      "Up-to-date",
      "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
    ),
    column(
      "Available",
      "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
    ageColumn,
    ...containerColumns,
    column(
      "Selector",
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
      { wide: true },
    ),
  ],
  cells(d, now) {
    const [names, images] = containerCells(d.spec?.template);
    return [
      d.metadata?.name ?? "",
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(d.spec?.selector),
    ];
  },
};

export const deployments: ResourceDef<Deployment> = {
  group: "apps",
  version: "v1",
  resource: "deployments",
  singular: "deployment",
  kind: "Deployment",
  namespaced: true,
  shortNames: ["deploy"],
  categories: ["all"],
  hasStatus: true,
  scale: {
    specReplicasPath: "spec.replicas",
    statusReplicasPath: "status.replicas",
    labelSelectorPath: "spec.selector",
  },
  strategy: {
    defaults: defaultDeployment,
    prepareForCreate(d) {
      setStatus(d, {});
    },
    validate: validateDeployment,
    validateUpdate: validateDeploymentUpdate,
    table: deploymentTable,
  },
};
