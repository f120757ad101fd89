// A StatefulSet's pods and claims by identity: `<set>-<ordinal>` names, the pod-name, pod-index
// and controller-revision-hash labels, stable hostname/subdomain, and one PersistentVolumeClaim
// `<claim>-<set>-<ordinal>` per volumeClaimTemplate mounted in place of a same-named volume.
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import type { PersistentVolumeClaim, Pod, Volume } from "kubernetes-types/core/v1.js";
import { newControllerRef } from "../util/controllerref.ts";

export const podNameLabel = "statefulset.kubernetes.io/pod-name";
export const podIndexLabel = "apps.kubernetes.io/pod-index";
export const revisionLabel = "controller-revision-hash";

export type Set = StatefulSet & { metadata: NonNullable<StatefulSet["metadata"]> };

/** The ordinal in `<set>-<n>`, or -1 when the name is not one of the set's. */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const prefix = `${set.metadata?.name ?? ""}-`;
  const name = pod.metadata?.name ?? "";
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : -1;
}

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata?.name ?? ""}-${ordinal}`;
}

export function revisionOf(pod: Pod): string {
  return pod.metadata?.labels?.[revisionLabel] ?? "";
}

/** The claims a pod of this ordinal needs. */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const retention = set.spec?.persistentVolumeClaimRetentionPolicy;
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: claimName(set, t.metadata?.name ?? "", ordinal),
      namespace: set.metadata?.namespace ?? "",
      labels: { ...(t.metadata?.labels ?? {}), ...(set.spec?.selector?.matchLabels ?? {}) },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      // whenDeleted: Delete — the garbage collector removes the claim with its set.
      ...(retention?.whenDeleted === "Delete"
        ? {
            ownerReferences: [
              {
                ...newControllerRef({ ...set, apiVersion: "apps/v1", kind: "StatefulSet" }),
                controller: false,
              },
            ],
          }
        : {}),
    },
    spec: { ...(t.spec ?? {}) },
  }));
}

/** A new pod of `set` (whose template is the revision's) for an ordinal, labelled with `revision`. */
export function newPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const name = `${set.metadata?.name ?? ""}-${ordinal}`;
  const template = set.spec?.template ?? {};
  const spec = structuredClone(template.spec ?? { containers: [] });
  const claimVolumes: Volume[] = (set.spec?.volumeClaimTemplates ?? []).map((t) => ({
    name: t.metadata?.name ?? "",
    persistentVolumeClaim: { claimName: claimName(set, t.metadata?.name ?? "", ordinal) },
  }));
  const names = new Set(claimVolumes.map((v) => v.name));
  spec.volumes = [...(spec.volumes ?? []).filter((v) => !names.has(v.name)), ...claimVolumes];
  if (spec.volumes.length === 0) delete spec.volumes;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: set.metadata?.namespace ?? "",
      labels: {
        ...(template.metadata?.labels ?? {}),
        [podNameLabel]: name,
        [podIndexLabel]: String(ordinal),
        [revisionLabel]: revision,
      },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef({ ...set, apiVersion: "apps/v1", kind: "StatefulSet" })],
    },
    spec,
  };
}
