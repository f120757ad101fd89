// The pods a Job creates from its template: owner reference, the job-tracking finalizer and, in
// Indexed mode, the completion index (annotation, label, JOB_COMPLETION_INDEX env, hostname).
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Container, Pod } from "kubernetes-types/core/v1.js";
import { newControllerRef } from "../util/controllerref.ts";
import { completionIndexAnnotation } from "./indexes.ts";

export const trackingFinalizer = "batch.kubernetes.io/job-tracking";

function withIndexEnv(c: Container): Container {
  const env = (c.env ?? []).filter((e) => e.name !== "JOB_COMPLETION_INDEX");
  env.push({
    name: "JOB_COMPLETION_INDEX",
    valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexAnnotation}']` } },
  });
  return { ...c, env };
}

/** `extraAnnotations`: the index's failure counts under backoffLimitPerIndex. */
export function newJobPod(
  job: Job,
  index: number | undefined,
  extraAnnotations: Record<string, string> = {},
): Pod {
  const template = structuredClone(job.spec?.template ?? {});
  const name = job.metadata?.name ?? "";
  const labels = { ...(template.metadata?.labels ?? {}) };
  const annotations = { ...(template.metadata?.annotations ?? {}), ...extraAnnotations };
  const spec = template.spec ?? { containers: [] };
  if (index !== undefined) {
    annotations[completionIndexAnnotation] = String(index);
    labels[completionIndexAnnotation] = String(index);
    spec.hostname ??= `${name}-${index}`;
    spec.containers = spec.containers.map(withIndexEnv);
    if (spec.initContainers) spec.initContainers = spec.initContainers.map(withIndexEnv);
  }
  return {
    metadata: {
      generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
      namespace: job.metadata?.namespace ?? "",
      labels,
      annotations,
      finalizers: [...(template.metadata?.finalizers ?? []), trackingFinalizer],
      ownerReferences: [newControllerRef({ ...job, apiVersion: "batch/v1", kind: "Job" })],
    },
    spec,
  };
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(trackingFinalizer) ?? false;
}
