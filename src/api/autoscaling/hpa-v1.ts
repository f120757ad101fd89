// autoscaling/v1 HorizontalPodAutoscaler, served by converting to and from the stored v2 form.
// v1 has only the CPU target; everything else rides in the annotations Kubernetes uses for it.
// Deviation: the annotations hold v2 JSON (MetricSpec, MetricStatus…), not the v1 alpha shapes.
import type { HorizontalPodAutoscaler as HpaV1 } from "kubernetes-types/autoscaling/v1.js";
import type {
  HorizontalPodAutoscaler as HpaV2,
  MetricSpec,
  MetricStatus,
} from "kubernetes-types/autoscaling/v2.js";
import type { Kube } from "../apps/printing.ts";
import type { FieldError } from "../field.ts";
import type { KubeObject } from "../object.ts";
import type { ResourceDef } from "../resource.ts";
import { defaultHpa, horizontalPodAutoscalersV2, hpaStrategy, hpaTable, validateHpa } from "./hpa.ts";

export type HorizontalPodAutoscalerV1 = Kube<HpaV1>;
type V2 = Kube<HpaV2>;

export const metricsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
export const currentMetricsAnnotation = "autoscaling.alpha.kubernetes.io/current-metrics";
export const conditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";
export const behaviorAnnotation = "autoscaling.alpha.kubernetes.io/behavior";
const ownAnnotations = [
  metricsAnnotation,
  currentMetricsAnnotation,
  conditionsAnnotation,
  behaviorAnnotation,
];

const isCpuUtilization = (m: MetricSpec) =>
  m.type === "Resource" && m.resource?.name === "cpu" && m.resource.target.type === "Utilization";
const isCpuStatus = (m: MetricStatus) =>
  m.type === "Resource" && m.resource?.name === "cpu" && m.resource.current.averageUtilization !== undefined;

function parseAnnotation<T>(annotations: Record<string, string> | undefined, key: string): T | undefined {
  const text = annotations?.[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function withoutOwnAnnotations(
  annotations: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const rest = Object.fromEntries(Object.entries(annotations).filter(([k]) => !ownAnnotations.includes(k)));
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export function hpaV1ToV2(obj: KubeObject): KubeObject {
  const v1 = obj as HorizontalPodAutoscalerV1;
  const ann = v1.metadata?.annotations;
  const metrics = parseAnnotation<MetricSpec[]>(ann, metricsAnnotation) ?? [];
  const cpu = v1.spec?.targetCPUUtilizationPercentage;
  if (cpu !== undefined) {
    metrics.push({
      type: "Resource",
      resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cpu } },
    });
  }
  const behavior = parseAnnotation<NonNullable<HpaV2["spec"]>["behavior"]>(ann, behaviorAnnotation);
  const v2: V2 = {
    ...v1,
    apiVersion: "autoscaling/v2",
    metadata: { ...v1.metadata, annotations: withoutOwnAnnotations(ann) },
    spec: {
      scaleTargetRef: v1.spec?.scaleTargetRef ?? { kind: "", name: "" },
      minReplicas: v1.spec?.minReplicas,
      maxReplicas: v1.spec?.maxReplicas ?? 0,
      ...(metrics.length > 0 ? { metrics } : {}),
      ...(behavior ? { behavior } : {}),
    },
  };
  if (v1.status) {
    // The annotation holds every current metric (raw values too) and wins over the CPU figure.
    const saved = parseAnnotation<MetricStatus[]>(ann, currentMetricsAnnotation);
    const cpuNow = v1.status.currentCPUUtilizationPercentage;
    const current: MetricStatus[] =
      saved ??
      (cpuNow !== undefined
        ? [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: cpuNow } } }]
        : []);
    const conditions = parseAnnotation<NonNullable<HpaV2["status"]>["conditions"]>(ann, conditionsAnnotation);
    const { currentCPUUtilizationPercentage: _cpu, ...rest } = v1.status;
    Object.assign(v2, {
      status: {
        ...rest,
        ...(current.length > 0 ? { currentMetrics: current } : {}),
        ...(conditions ? { conditions } : {}),
      },
    });
  }
  return v2;
}

export function hpaV2ToV1(obj: KubeObject): KubeObject {
  const v2 = obj as V2;
  const annotations: Record<string, string> = { ...(v2.metadata?.annotations ?? {}) };
  const metrics = v2.spec?.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => m !== cpu);
  if (others.length > 0) annotations[metricsAnnotation] = JSON.stringify(others);
  if (v2.spec?.behavior) annotations[behaviorAnnotation] = JSON.stringify(v2.spec.behavior);
  const status = v2.status;
  const cpuNow = status?.currentMetrics?.find(isCpuStatus);
  // Like Kubernetes, every current metric is saved, the CPU one included, to keep its raw value.
  if ((status?.currentMetrics ?? []).length > 0) {
    annotations[currentMetricsAnnotation] = JSON.stringify(status?.currentMetrics);
  }
  if (status?.conditions) annotations[conditionsAnnotation] = JSON.stringify(status.conditions);
  const { status: _status, ...withoutStatus } = v2;
  const v1: HorizontalPodAutoscalerV1 = {
    ...withoutStatus,
    apiVersion: "autoscaling/v1",
    metadata: { ...v2.metadata, annotations: Object.keys(annotations).length > 0 ? annotations : undefined },
    spec: {
      scaleTargetRef: v2.spec?.scaleTargetRef ?? { kind: "", name: "" },
      minReplicas: v2.spec?.minReplicas,
      maxReplicas: v2.spec?.maxReplicas ?? 0,
      ...(cpu?.resource?.target.averageUtilization !== undefined
        ? { targetCPUUtilizationPercentage: cpu.resource.target.averageUtilization }
        : {}),
    },
  };
  if (status) {
    const { currentMetrics: _m, conditions: _c, ...rest } = status;
    const cpuPercent = cpuNow?.resource?.current.averageUtilization;
    Object.assign(v1, {
      status: {
        ...rest,
        ...(cpuPercent !== undefined ? { currentCPUUtilizationPercentage: cpuPercent } : {}),
      },
    });
  }
  return v1;
}

/** v1 objects are checked in their v2 form, so both versions enforce the same rules. */
const asV2 = (hpa: HorizontalPodAutoscalerV1) => hpaV1ToV2(hpa) as V2;

export const horizontalPodAutoscalersV1: ResourceDef<HorizontalPodAutoscalerV1> = {
  ...(horizontalPodAutoscalersV2 as unknown as ResourceDef<HorizontalPodAutoscalerV1>),
  version: "v1",
  conversion: { toStorage: hpaV1ToV2, fromStorage: hpaV2ToV1 },
  strategy: {
    defaults(hpa) {
      hpa.spec ??= { maxReplicas: 0, scaleTargetRef: { kind: "", name: "" } };
      hpa.spec.minReplicas ??= 1;
    },
    prepareForCreate: (hpa) => hpaStrategy.prepareForCreate(hpa as unknown as V2),
    validate: (hpa): FieldError[] => {
      const v2 = asV2(hpa);
      defaultHpa(v2);
      return validateHpa(v2);
    },
    validateUpdate: (hpa, old) => hpaStrategy.validateUpdate(asV2(hpa), asV2(old)),
    table: { columns: hpaTable.columns, cells: (hpa, now) => hpaTable.cells(asV2(hpa), now) },
  },
};
