// Daemon pods as the DaemonSet controller creates them: the template, the revision hash label,
// the daemon tolerations and a required node affinity on the target node's metadata.name (the
// scheduler then binds it there), and the node a pod targets.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Affinity, Pod } from "kubernetes-types/core/v1.js";
import { newControllerRef } from "../util/controllerref.ts";
import { daemonTolerations } from "./eligibility.ts";

export const revisionHashLabel = "controller-revision-hash";
export const templateGenerationLabel = "pod-template-generation";

/** Replaces required node affinity with `metadata.name In [node]` (ReplaceDaemonSetPodNodeNameNodeAffinity). */
export function withNodeAffinity(affinity: Affinity | undefined, node: string): Affinity {
  const required = {
    nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
  };
  return {
    ...(affinity ?? {}),
    nodeAffinity: {
      ...(affinity?.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: required,
    },
  };
}

/** The template with the daemon tolerations merged in (what placement is judged on). */
export function daemonPodTemplate(ds: DaemonSet): Pod {
  const template = structuredClone(ds.spec?.template ?? {});
  const spec = template.spec ?? { containers: [] };
  const tolerations = [...(spec.tolerations ?? [])];
  for (const t of daemonTolerations(spec.hostNetwork === true)) {
    if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
  }
  spec.tolerations = tolerations;
  return { metadata: template.metadata ?? {}, spec };
}

export function newDaemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const base = daemonPodTemplate(ds);
  const spec = base.spec ?? { containers: [] };
  spec.affinity = withNodeAffinity(spec.affinity, node);
  return {
    metadata: {
      generateName: `${ds.metadata?.name ?? ""}-`,
      namespace: ds.metadata?.namespace ?? "",
      labels: {
        ...(base.metadata?.labels ?? {}),
        [revisionHashLabel]: hash,
        [templateGenerationLabel]: String(ds.metadata?.generation ?? 1),
      },
      ...(base.metadata?.annotations ? { annotations: { ...base.metadata.annotations } } : {}),
      ...(base.metadata?.finalizers ? { finalizers: [...base.metadata.finalizers] } : {}),
      ownerReferences: [newControllerRef({ ...ds, apiVersion: "apps/v1", kind: "DaemonSet" })],
    },
    spec,
  };
}

/** The node a daemon pod is on or targets through its node affinity (GetTargetNodeName). */
export function targetNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  for (const t of terms ?? []) {
    for (const f of t.matchFields ?? []) {
      if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}
