// The Node authorizer's relationship index (a much simplified node graph): for each node, the
// pods bound to it and the secrets, configmaps, PVCs and service accounts those pods reference.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../../api/object.ts";
import type { ObjectCache } from "../objectcache.ts";

export type RefKind = "pods" | "secrets" | "configmaps" | "persistentvolumeclaims" | "serviceaccounts";

/** `kind/namespace/name` keys of what the pod lets its node read. */
export function podReferences(pod: Pod): string[] {
  const ns = pod.metadata?.namespace ?? "";
  const refs = new Set<string>();
  const add = (kind: RefKind, name: string | undefined) => {
    if (name) refs.add(`${kind}/${ns}/${name}`);
  };
  add("pods", pod.metadata?.name);
  const spec = pod.spec;
  if (!spec) return [...refs];
  add("serviceaccounts", spec.serviceAccountName || "default");
  for (const s of spec.imagePullSecrets ?? []) add("secrets", s.name);
  for (const v of spec.volumes ?? []) {
    add("secrets", v.secret?.secretName);
    add("configmaps", v.configMap?.name);
    add("persistentvolumeclaims", v.persistentVolumeClaim?.claimName);
    if (v.ephemeral) add("persistentvolumeclaims", `${pod.metadata?.name ?? ""}-${v.name}`);
    for (const src of v.projected?.sources ?? []) {
      add("secrets", src.secret?.name);
      add("configmaps", src.configMap?.name);
    }
    add("secrets", v.cephfs?.secretRef?.name);
    add("secrets", v.csi?.nodePublishSecretRef?.name);
  }
  for (const c of [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])]) {
    for (const e of c.envFrom ?? []) {
      add("secrets", e.secretRef?.name);
      add("configmaps", e.configMapRef?.name);
    }
    for (const e of c.env ?? []) {
      add("secrets", e.valueFrom?.secretKeyRef?.name);
      add("configmaps", e.valueFrom?.configMapKeyRef?.name);
    }
  }
  return [...refs];
}

export class NodeGraph {
  /** node name → reference key → how many of the node's pods hold it. */
  private readonly byNode = new Map<string, Map<string, number>>();

  constructor(pods: ObjectCache) {
    pods.onChange((obj, old, deleted) => {
      if (old) this.apply(old, -1);
      if (!deleted) this.apply(obj, 1);
    });
    for (const p of pods.values()) this.apply(p, 1);
  }

  /** Whether a pod bound to `node` references the object. */
  related(node: string, kind: RefKind, namespace: string, name: string): boolean {
    return (this.byNode.get(node)?.get(`${kind}/${namespace}/${name}`) ?? 0) > 0;
  }

  private apply(obj: KubeObject, delta: 1 | -1): void {
    const pod = obj as Pod;
    const node = pod.spec?.nodeName;
    if (!node) return;
    let refs = this.byNode.get(node);
    if (!refs) {
      refs = new Map();
      this.byNode.set(node, refs);
    }
    for (const key of podReferences(pod)) {
      const n = (refs.get(key) ?? 0) + delta;
      if (n <= 0) refs.delete(key);
      else refs.set(key, n);
    }
    if (refs.size === 0) this.byNode.delete(node);
  }
}
