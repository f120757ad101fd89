// apps/v1 DaemonSet: update strategy defaults (RollingUpdate, maxUnavailable 1, maxSurge 0),
// validation, and the Desired/Current/Ready/Up-to-date/Available/Node Selector table.
import type { DaemonSetUpdateStrategy, DaemonSet as DaemonSetV1 } from "kubernetes-types/apps/v1.js";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";
import {
  defaultPodTemplateSpec,
  formatLabelSelector,
  formatMapSelector,
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
import {
  intOrPercentValue,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
  validateReplicaTemplate,
  validateSelectorAndTemplate,
} from "./validation.ts";

export type DaemonSet = Kube<DaemonSetV1>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };

export function defaultDaemonSet(ds: DaemonSet): void {
  ds.spec ??= { selector: {}, template: {} };
  const s = ds.spec;
  s.updateStrategy ??= {};
  s.updateStrategy.type ??= "RollingUpdate";
  if (s.updateStrategy.type === "RollingUpdate") {
    s.updateStrategy.rollingUpdate ??= {};
    s.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
    s.updateStrategy.rollingUpdate.maxSurge ??= 0;
  }
  s.revisionHistoryLimit ??= 10;
  s.template ??= {};
  defaultPodTemplateSpec(s.template);
}

function validateUpdateStrategy(strategy: DaemonSetUpdateStrategy | undefined, at: FieldPath): FieldError[] {
  switch (strategy?.type) {
    case "OnDelete":
      return [];
    case "RollingUpdate": {
      const ru = strategy.rollingUpdate;
      if (!ru) return [fieldErrors.required(at.child("rollingUpdate"), "")];
      const ruAt = at.child("rollingUpdate");
      const errs = [
        ...validatePositiveIntOrPercent(ru.maxUnavailable, ruAt.child("maxUnavailable")),
        ...validatePositiveIntOrPercent(ru.maxSurge, ruAt.child("maxSurge")),
        ...validateNotMoreThan100Percent(ru.maxUnavailable, ruAt.child("maxUnavailable")),
        ...validateNotMoreThan100Percent(ru.maxSurge, ruAt.child("maxSurge")),
      ];
      const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
      const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
      if (hasUnavailable && hasSurge) {
        errs.push(
          fieldErrors.invalid(
            ruAt.child("maxSurge"),
            ru.maxSurge,
            "may not be set when maxUnavailable is non-zero",
          ),
        );
      } else if (!hasUnavailable && !hasSurge) {
        errs.push(fieldErrors.required(ruAt.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
      }
      return errs;
    }
    default:
      return [fieldErrors.notSupported(at.child("type"), strategy?.type, ["OnDelete", "RollingUpdate"])];
  }
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const errs = validateObjectMeta(ds.metadata, metaOptions);
  const s = ds.spec;
  if (!s) return [...errs, fieldErrors.required(spec, "")];
  errs.push(
    ...validateSelectorAndTemplate({
      selector: s.selector,
      template: s.template,
      at: spec,
      kindWord: "daemonset",
    }),
    ...validateReplicaTemplate(s.template, spec.child("template")),
    ...validateNonnegative(s.minReadySeconds, spec.child("minReadySeconds")),
    ...validateNonnegative(s.revisionHistoryLimit, spec.child("revisionHistoryLimit")),
    ...validateUpdateStrategy(s.updateStrategy, spec.child("updateStrategy")),
  );
  return errs;
}

export const daemonSetTable: TableConvertor<DaemonSet> = {
  columns: [
    nameColumn,
    column(
      "Desired",
      "The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).",
      { type: "integer" },
    ),
    column(
      "Current",
      "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
      { type: "integer" },
    ),
    column(
      "Ready",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
      { type: "integer" },
    ),
    column("Up-to-date", "The total number of nodes that are running updated daemon pod", {
      type: "integer",
    }),
    column(
      "Available",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)",
      { type: "integer" },
    ),
    column("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    ageColumn,
    ...containerColumns,
    column("Selector", "A label query over pods that are managed by the daemon set.", { wide: true }),
  ],
  cells(ds, now) {
    const [names, images] = containerCells(ds.spec?.template);
    const st = ds.status;
    return [
      ds.metadata?.name ?? "",
      st?.desiredNumberScheduled ?? 0,
      st?.currentNumberScheduled ?? 0,
      st?.numberReady ?? 0,
      st?.updatedNumberScheduled ?? 0,
      st?.numberAvailable ?? 0,
      formatMapSelector(ds.spec?.template.spec?.nodeSelector),
      age(ds.metadata?.creationTimestamp, now),
      names,
      images,
      formatLabelSelector(ds.spec?.selector),
    ];
  },
};

export const daemonsets: ResourceDef<DaemonSet> = {
  group: "apps",
  version: "v1",
  resource: "daemonsets",
  singular: "daemonset",
  kind: "DaemonSet",
  namespaced: true,
  shortNames: ["ds"],
  categories: ["all"],
  hasStatus: true,
  strategy: {
    defaults: defaultDaemonSet,
    prepareForCreate(ds) {
      setStatus(ds, {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
      });
    },
    validate: validateDaemonSet,
    validateUpdate: (ds, old) => [
      ...validateObjectMetaUpdate(ds.metadata, old.metadata, metaOptions),
      ...validateImmutable(ds.spec?.selector, old.spec?.selector, spec.child("selector")),
    ],
    table: daemonSetTable,
  },
};
