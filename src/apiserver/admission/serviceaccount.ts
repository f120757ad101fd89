// The ServiceAccount admission plugin: a new pod runs as an existing ServiceAccount (default
// `default`), gets its imagePullSecrets, and unless automount is off (pod, then SA) a projected
// `kube-api-access-xxxxx` volume (bound token, cluster CA, namespace) mounted in every container.
import type { Pod, PodSpec, ServiceAccount, Volume, VolumeMount } from "kubernetes-types/core/v1.js";
import { serviceAccounts } from "../../api/core/serviceaccount.ts";
import { ForbiddenError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.ts";
import type { ObjectSource } from "../rest/source.ts";
import type { ObjectStore } from "../storage/objectstore.ts";

export const tokenMountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
export const tokenVolumePrefix = "kube-api-access-";
/** Kubernetes' WarnOnlyBoundTokenExpirationSeconds: an hour plus 7s, so the kubelet refreshes early. */
const tokenExpirationSeconds = 3607;
const mirrorAnnotation = "kubernetes.io/config.mirror";
const saDef = serviceAccounts as unknown as ResourceDef;
// names.SimpleNameGenerator's alphabet: no vowels, no confusable digits.
const alphabet = "bcdfghjklmnpqrstvwxz2456789";

export interface ServiceAccountAdmissionOptions {
  /** The watch cache, asked first (an informer's lister upstream). */
  source: ObjectSource;
  /** The Store, asked when the cache has not seen the account yet. */
  objects: ObjectStore;
  /** Pause between live lookups of a missing `default` account (default 100–200ms). */
  retryDelayMs?: () => number;
  random?: () => number;
}

export function tokenVolumeSource(): NonNullable<Volume["projected"]> {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { path: "token", expirationSeconds: tokenExpirationSeconds } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
      {
        downwardAPI: {
          items: [{ path: "namespace", fieldRef: { apiVersion: "v1", fieldPath: "metadata.namespace" } }],
        },
      },
    ],
  };
}

function forbidden(attrs: AdmissionAttributes, why: string): ForbiddenError {
  const name = attrs.name || attrs.object?.metadata?.name || "";
  const head = name === "" ? "pods is forbidden" : `pods "${name}" is forbidden`;
  return new ForbiddenError(`${head}: ${why}`, { ...(name !== "" ? { name } : {}), kind: "pods" });
}

function applies(attrs: AdmissionAttributes): boolean {
  return (
    attrs.def.group === "" &&
    attrs.def.resource === "pods" &&
    attrs.subresource === "" &&
    attrs.operation === "CREATE" &&
    attrs.object !== undefined
  );
}

/** Kubernetes keeps a pod's choice first, then the account's, and mounts by default. */
export function shouldAutomount(sa: ServiceAccount, spec: PodSpec): boolean {
  if (typeof spec.automountServiceAccountToken === "boolean") return spec.automountServiceAccountToken;
  if (typeof sa.automountServiceAccountToken === "boolean") return sa.automountServiceAccountToken;
  return true;
}

/** Adds the token volume and its mounts; containers that already mount the path are left alone. */
export function mountServiceAccountToken(spec: PodSpec, random: () => number): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(tokenVolumePrefix));
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += alphabet[Math.floor(random() * alphabet.length)];
  const volumeName = existing?.name ?? `${tokenVolumePrefix}${suffix}`;
  const mount: VolumeMount = { name: volumeName, readOnly: true, mountPath: tokenMountPath };
  let needed = false;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((c.volumeMounts ?? []).some((m) => m.mountPath === tokenMountPath)) continue;
    c.volumeMounts = [...(c.volumeMounts ?? []), { ...mount }];
    needed = true;
  }
  if (!existing && needed) {
    spec.volumes = [...(spec.volumes ?? []), { name: volumeName, projected: tokenVolumeSource() }];
  }
}

function secretNames(spec: PodSpec): string[] {
  const names: string[] = [];
  for (const s of spec.imagePullSecrets ?? []) if (s.name) names.push(s.name);
  for (const v of spec.volumes ?? []) {
    if (v.secret?.secretName) names.push(v.secret.secretName);
    for (const p of v.projected?.sources ?? []) if (p.secret?.name) names.push(p.secret.name);
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.env ?? [])
      if (e.valueFrom?.secretKeyRef?.name) names.push(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef?.name) names.push(e.secretRef.name);
  }
  return names;
}

/** Mirror pods come from a kubelet's manifests: their spec stays as written, but no secrets. */
function checkMirrorPod(attrs: AdmissionAttributes, spec: PodSpec): void {
  if (secretNames(spec).length > 0) throw forbidden(attrs, "a mirror pod may not reference secrets");
  const projectsToken = (spec.volumes ?? []).some((v) =>
    (v.projected?.sources ?? []).some((s) => s.serviceAccountToken !== undefined),
  );
  if (projectsToken) {
    throw forbidden(attrs, "a mirror pod may not use ServiceAccountToken volume projections");
  }
}

export function serviceAccountAdmission(options: ServiceAccountAdmissionOptions): AdmissionPlugin {
  const random = options.random ?? Math.random;
  const delay = options.retryDelayMs ?? (() => 100 + Math.floor(Math.random() * 100));

  // The default account is created by a controller shortly after its namespace: like upstream,
  // ask the Store a few times before giving up, so a pod created right after its namespace works.
  const lookup = async (namespace: string, name: string): Promise<ServiceAccount | undefined> => {
    const cached = options.source.peek?.(saDef, namespace, name);
    if (cached) return cached as ServiceAccount;
    const attempts = name === "default" ? 10 : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, delay()));
      const live = await options.objects.get(saDef, namespace, name);
      if (live) return live as ServiceAccount;
    }
    return undefined;
  };

  const admitPod = async (attrs: AdmissionAttributes, pod: KubeObject): Promise<void> => {
    const p = pod as Pod;
    const spec = (p.spec ?? {}) as PodSpec;
    if (p.metadata?.annotations?.[mirrorAnnotation] !== undefined) {
      checkMirrorPod(attrs, spec);
      return;
    }
    spec.serviceAccountName ||= "default";
    spec.serviceAccount = spec.serviceAccountName;
    const name = spec.serviceAccountName;
    const sa = await lookup(attrs.namespace, name);
    if (!sa) {
      throw forbidden(
        attrs,
        `error looking up service account ${attrs.namespace}/${name}: serviceaccount "${name}" not found`,
      );
    }
    if (shouldAutomount(sa, spec)) mountServiceAccountToken(spec, random);
    if ((spec.imagePullSecrets ?? []).length === 0 && (sa.imagePullSecrets ?? []).length > 0) {
      spec.imagePullSecrets = (sa.imagePullSecrets ?? []).map((s) => ({ name: s.name ?? "" }));
    }
    pod.spec = spec as unknown as Record<string, unknown>;
  };

  return {
    name: "ServiceAccount",
    async admit(attrs) {
      if (applies(attrs) && attrs.object) await admitPod(attrs, attrs.object);
    },
  };
}
