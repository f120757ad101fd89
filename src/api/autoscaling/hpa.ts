// autoscaling/v2 HorizontalPodAutoscaler (the stored form): defaults (minReplicas 1, CPU 80%,
// behavior rules), validation, and the Reference/Targets/MinPods/MaxPods/Replicas table.
import type {
  HPAScalingRules,
  HorizontalPodAutoscaler as HpaV2,
  MetricSpec,
  MetricStatus,
} from "kubernetes-types/autoscaling/v2.js";
import {
  nameIsDnsSubdomain,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validatePathSegmentName,
} from "../apps/coredeps.ts";
import { ageColumn, column, type Kube, nameColumn, setStatus } from "../apps/printing.ts";
import { age } from "../duration.ts";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ResourceDef, TableConvertor } from "../resource.ts";

export type HorizontalPodAutoscaler = Kube<HpaV2>;

const spec = FieldPath.root("spec");
const metaOptions = { namespaced: true, nameFn: nameIsDnsSubdomain };
const metricTypes = ["Object", "Pods", "Resource", "ContainerResource", "External"];
const sourceField: Record<string, keyof MetricSpec> = {
  Object: "object",
  Pods: "pods",
  Resource: "resource",
  ContainerResource: "containerResource",
  External: "external",
};

const defaultScaleUp = (): HPAScalingRules => ({
  stabilizationWindowSeconds: 0,
  selectPolicy: "Max",
  policies: [
    { type: "Pods", value: 4, periodSeconds: 15 },
    { type: "Percent", value: 100, periodSeconds: 15 },
  ],
});
// No stabilizationWindowSeconds: the controller fills it from its
// --horizontal-pod-autoscaler-downscale-stabilization flag (default 300 s), as upstream does.
const defaultScaleDown = (): HPAScalingRules => ({
  selectPolicy: "Max",
  policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
});

/** GenerateHPAScale{Up,Down}Rules: the user's fields over the defaults. */
function mergeRules(user: HPAScalingRules | undefined, defaults: HPAScalingRules): HPAScalingRules {
  if (!user) return defaults;
  return {
    ...defaults,
    ...(user.selectPolicy !== undefined ? { selectPolicy: user.selectPolicy } : {}),
    ...(user.stabilizationWindowSeconds !== undefined
      ? { stabilizationWindowSeconds: user.stabilizationWindowSeconds }
      : {}),
    ...(user.policies !== undefined ? { policies: user.policies } : {}),
  };
}

export function defaultHpa(hpa: HorizontalPodAutoscaler): void {
  hpa.spec ??= { maxReplicas: 0, scaleTargetRef: { kind: "", name: "" } };
  const s = hpa.spec;
  s.minReplicas ??= 1;
  if ((s.metrics ?? []).length === 0) {
    s.metrics = [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
      },
    ];
  }
  if (s.behavior) {
    s.behavior.scaleUp = mergeRules(s.behavior.scaleUp, defaultScaleUp());
    s.behavior.scaleDown = mergeRules(s.behavior.scaleDown, defaultScaleDown());
  }
}

function validateMetric(m: MetricSpec, at: FieldPath): FieldError[] {
  if (!m.type) return [fieldErrors.required(at.child("type"), "must specify a metric source type")];
  if (!metricTypes.includes(m.type)) return [fieldErrors.notSupported(at.child("type"), m.type, metricTypes)];
  const field = sourceField[m.type] as keyof MetricSpec;
  const source = m[field];
  if (!source || typeof source !== "object") {
    return [fieldErrors.required(at.child(field), "must populate information for the given metric source")];
  }
  const errs: FieldError[] = [];
  const target = "target" in source ? source.target : undefined;
  const tAt = at.child(field).child("target");
  if (!target?.type) errs.push(fieldErrors.required(tAt.child("type"), "must specify a metric target type"));
  else if (!["Utilization", "Value", "AverageValue"].includes(target.type)) {
    errs.push(
      fieldErrors.notSupported(tAt.child("type"), target.type, ["Utilization", "Value", "AverageValue"]),
    );
  }
  if (target?.averageUtilization !== undefined && target.averageUtilization < 1) {
    errs.push(
      fieldErrors.invalid(
        tAt.child("averageUtilization"),
        target.averageUtilization,
        "must be greater than 0",
      ),
    );
  }
  if ((m.type === "Resource" || m.type === "ContainerResource") && "name" in source && !source.name) {
    errs.push(fieldErrors.required(at.child(field).child("name"), "must specify a resource name"));
  }
  return errs;
}

function validateRules(rules: HPAScalingRules | undefined, at: FieldPath): FieldError[] {
  if (!rules) return [];
  const errs: FieldError[] = [];
  const w = rules.stabilizationWindowSeconds;
  if (w !== undefined && (w < 0 || w > 3600)) {
    errs.push(
      fieldErrors.invalid(at.child("stabilizationWindowSeconds"), w, "must be less than or equal to 3600"),
    );
  }
  if (rules.selectPolicy !== undefined && !["Max", "Min", "Disabled"].includes(rules.selectPolicy)) {
    errs.push(
      fieldErrors.notSupported(at.child("selectPolicy"), rules.selectPolicy, ["Max", "Min", "Disabled"]),
    );
  }
  if ((rules.policies ?? []).length === 0)
    errs.push(fieldErrors.required(at.child("policies"), "must specify at least one Policy"));
  (rules.policies ?? []).forEach((p, i) => {
    const pAt = at.child("policies").index(i);
    if (p.type !== "Pods" && p.type !== "Percent")
      errs.push(fieldErrors.notSupported(pAt.child("type"), p.type, ["Pods", "Percent"]));
    if (!(p.value > 0))
      errs.push(fieldErrors.invalid(pAt.child("value"), p.value, "must be greater than zero"));
    if (!(p.periodSeconds > 0))
      errs.push(
        fieldErrors.invalid(pAt.child("periodSeconds"), p.periodSeconds, "must be greater than zero"),
      );
    else if (p.periodSeconds > 1800) {
      errs.push(
        fieldErrors.invalid(
          pAt.child("periodSeconds"),
          p.periodSeconds,
          "must be less than or equal to 1800",
        ),
      );
    }
  });
  return errs;
}

export function validateHpa(hpa: HorizontalPodAutoscaler): FieldError[] {
  const errs = validateObjectMeta(hpa.metadata, metaOptions);
  const s = hpa.spec;
  if (!s) return [...errs, fieldErrors.required(spec, "")];
  const ref = s.scaleTargetRef;
  const refAt = spec.child("scaleTargetRef");
  if (!ref?.kind) errs.push(fieldErrors.required(refAt.child("kind"), ""));
  else
    for (const msg of validatePathSegmentName(ref.kind, false))
      errs.push(fieldErrors.invalid(refAt.child("kind"), ref.kind, msg));
  if (!ref?.name) errs.push(fieldErrors.required(refAt.child("name"), ""));
  else
    for (const msg of validatePathSegmentName(ref.name, false))
      errs.push(fieldErrors.invalid(refAt.child("name"), ref.name, msg));
  if (s.minReplicas !== undefined && s.minReplicas < 1) {
    errs.push(
      fieldErrors.invalid(spec.child("minReplicas"), s.minReplicas, "must be greater than or equal to 1"),
    );
  }
  if (!(s.maxReplicas >= 1))
    errs.push(fieldErrors.invalid(spec.child("maxReplicas"), s.maxReplicas, "must be greater than 0"));
  if (s.minReplicas !== undefined && s.minReplicas > s.maxReplicas) {
    errs.push(
      fieldErrors.invalid(
        spec.child("maxReplicas"),
        s.maxReplicas,
        "must be greater than or equal to `minReplicas`",
      ),
    );
  }
  (s.metrics ?? []).forEach((m, i) => {
    errs.push(...validateMetric(m, spec.child("metrics").index(i)));
  });
  errs.push(...validateRules(s.behavior?.scaleUp, spec.child("behavior").child("scaleUp")));
  errs.push(...validateRules(s.behavior?.scaleDown, spec.child("behavior").child("scaleDown")));
  return errs;
}

/** formatHPAMetrics: at most two targets, `cpu: 45%/80%`, `<unknown>` before the first reading. */
export function formatHpaMetrics(
  specs: MetricSpec[] | undefined,
  statuses: MetricStatus[] | undefined,
): string {
  if (!specs || specs.length === 0) return "<none>";
  const list = specs.map((m, i) => {
    const st = statuses?.[i];
    switch (m.type) {
      case "Resource":
      case "ContainerResource": {
        const src = m.type === "Resource" ? m.resource : m.containerResource;
        const cur = m.type === "Resource" ? st?.resource?.current : st?.containerResource?.current;
        if (src?.target.averageValue !== undefined) {
          return `${src.name}: ${cur?.averageValue ?? "<unknown>"}/${src.target.averageValue}`;
        }
        const current = cur?.averageUtilization !== undefined ? `${cur.averageUtilization}%` : "<unknown>";
        const target =
          src?.target.averageUtilization !== undefined ? `${src.target.averageUtilization}%` : "<auto>";
        return `${src?.name}: ${current}/${target}`;
      }
      case "Pods":
        return `${st?.pods?.current.averageValue ?? "<unknown>"}/${m.pods?.target.averageValue}`;
      case "Object":
      case "External": {
        const target = m.type === "Object" ? m.object?.target : m.external?.target;
        const cur = m.type === "Object" ? st?.object?.current : st?.external?.current;
        if (target?.averageValue !== undefined)
          return `${cur?.averageValue ?? "<unknown>"}/${target.averageValue} (avg)`;
        return `${cur?.value ?? "<unknown>"}/${target?.value}`;
      }
      default:
        return "<unknown type>";
    }
  });
  return list.length > 2 ? `${list.slice(0, 2).join(", ")} + ${list.length - 2} more...` : list.join(", ");
}

export const hpaTable: TableConvertor<HorizontalPodAutoscaler> = {
  columns: [
    nameColumn,
    column(
      "Reference",
      "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.",
    ),
    column(
      "Targets",
      "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).",
    ),
    column(
      "MinPods",
      "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.",
    ),
    column(
      "MaxPods",
      "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.",
    ),
    column(
      "Replicas",
      "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
    ),
    ageColumn,
  ],
  cells(hpa, now) {
    const s = hpa.spec;
    return [
      hpa.metadata?.name ?? "",
      `${s?.scaleTargetRef.kind}/${s?.scaleTargetRef.name}`,
      formatHpaMetrics(s?.metrics, hpa.status?.currentMetrics),
      s?.minReplicas === undefined ? "<unset>" : String(s.minReplicas),
      s?.maxReplicas ?? 0,
      hpa.status?.currentReplicas ?? 0,
      age(hpa.metadata?.creationTimestamp, now),
    ];
  },
};

export const hpaStrategy = {
  defaults: defaultHpa,
  prepareForCreate(hpa: HorizontalPodAutoscaler) {
    setStatus(hpa, { currentReplicas: 0, desiredReplicas: 0 });
  },
  validate: validateHpa,
  validateUpdate: (hpa: HorizontalPodAutoscaler, old: HorizontalPodAutoscaler) => [
    ...validateObjectMetaUpdate(hpa.metadata, old.metadata, metaOptions),
    ...validateHpa(hpa),
  ],
  table: hpaTable,
};

export const horizontalPodAutoscalersV2: ResourceDef<HorizontalPodAutoscaler> = {
  group: "autoscaling",
  version: "v2",
  resource: "horizontalpodautoscalers",
  singular: "horizontalpodautoscaler",
  kind: "HorizontalPodAutoscaler",
  namespaced: true,
  shortNames: ["hpa"],
  categories: ["all"],
  hasStatus: true,
  storagePrefix: "autoscaling/horizontalpodautoscalers",
  strategy: hpaStrategy,
};
