// Defaults of pod specs and pod templates (pkg/apis/core/v1/defaults.go): what a minimal pod
// gets from the server before validation, so `kubectl get -o yaml` shows Kubernetes' fields.
import type {
  Container,
  PodSpec,
  PodTemplateSpec,
  Probe,
  ServicePort,
  Volume,
} from "kubernetes-types/core/v1.js";
import { canonicalizeResourceList } from "../validation/resources.ts";

/** Mode 0644, the default for secret, configMap, downwardAPI and projected volumes. */
export const defaultVolumeMode = 0o644;

/** The tag of an image reference; "latest" when none and no digest is given (ParseImageName). */
export function imageTag(image: string): string {
  const at = image.indexOf("@");
  const name = at >= 0 ? image.slice(0, at) : image;
  const slash = name.lastIndexOf("/");
  const colon = name.lastIndexOf(":");
  if (colon > slash) return name.slice(colon + 1);
  return at >= 0 ? "" : "latest";
}

function defaultProbe(probe: Probe | undefined): void {
  if (!probe) return;
  probe.timeoutSeconds ??= 1;
  probe.periodSeconds ??= 10;
  probe.successThreshold ??= 1;
  probe.failureThreshold ??= 3;
  if (probe.httpGet) {
    probe.httpGet.path ??= "/";
    probe.httpGet.scheme ??= "HTTP";
  }
  if (probe.grpc) probe.grpc.service ??= "";
}

export function defaultContainer(c: Container): void {
  if (!c.imagePullPolicy)
    c.imagePullPolicy = imageTag(c.image ?? "") === "latest" ? "Always" : "IfNotPresent";
  c.terminationMessagePath ??= "/dev/termination-log";
  c.terminationMessagePolicy ??= "File";
  c.resources ??= {};
  canonicalizeResourceList(c.resources.limits);
  canonicalizeResourceList(c.resources.requests);
  for (const port of c.ports ?? []) port.protocol ??= "TCP";
  for (const env of c.env ?? []) {
    const fieldRef = env.valueFrom?.fieldRef;
    if (fieldRef) fieldRef.apiVersion ??= "v1";
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  for (const handler of [c.lifecycle?.postStart, c.lifecycle?.preStop]) {
    if (handler?.httpGet) handler.httpGet.scheme ??= "HTTP";
  }
}

function defaultItemsFieldRefs(items: { fieldRef?: { apiVersion?: string } }[] | undefined): void {
  for (const item of items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ??= "v1";
}

export function defaultVolume(v: Volume): void {
  const sources = Object.keys(v).filter(
    (k) => k !== "name" && (v as unknown as Record<string, unknown>)[k] != null,
  );
  if (sources.length === 0) v.emptyDir = {};
  if (v.emptyDir?.sizeLimit !== undefined) {
    v.emptyDir.sizeLimit = canonicalizeResourceList({ q: v.emptyDir.sizeLimit }).q;
  }
  if (v.secret) v.secret.defaultMode ??= defaultVolumeMode;
  if (v.configMap) v.configMap.defaultMode ??= defaultVolumeMode;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= defaultVolumeMode;
    defaultItemsFieldRefs(v.downwardAPI.items);
  }
  if (v.projected) {
    v.projected.defaultMode ??= defaultVolumeMode;
    for (const source of v.projected.sources ?? []) {
      defaultItemsFieldRefs(source.downwardAPI?.items);
      if (source.serviceAccountToken) source.serviceAccountToken.expirationSeconds ??= 3600;
    }
  }
  if (v.hostPath) v.hostPath.type ??= "";
  if (v.iscsi) v.iscsi.iscsiInterface ??= "default";
}

/** SetDefaults_PodSpec plus the container and volume defaults it implies. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= "ClusterFirst";
  spec.restartPolicy ||= "Always";
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ||= "default-scheduler";
  // serviceAccount is the deprecated alias; Kubernetes keeps both in step.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName && !spec.serviceAccount) spec.serviceAccount = spec.serviceAccountName;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c as Container);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  if (spec.hostNetwork) {
    for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const p of c.ports ?? []) p.hostPort ??= p.containerPort;
    }
  }
}

/** Defaults of a pod template (Deployment, ReplicaSet, Job… templates). */
export function defaultPodTemplateSpec(template: PodTemplateSpec): void {
  template.spec ??= { containers: [] };
  defaultPodSpec(template.spec);
}

/**
 * Defaults only a Pod gets, not a template (SetDefaults_Pod): requests copied from limits,
 * enableServiceLinks, and what admission plugins always add (service account, priority).
 */
export function defaultPodOnlyFields(spec: PodSpec): void {
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits || !c.resources) continue;
    const requests = { ...(c.resources.requests ?? {}) };
    for (const [name, value] of Object.entries(limits)) if (!(name in requests)) requests[name] = value;
    c.resources.requests = requests;
  }
  spec.enableServiceLinks ??= true;
  spec.serviceAccountName ||= "default";
  spec.serviceAccount ||= spec.serviceAccountName;
  // Priority admission resolves priorityClassName; without one the priority is 0.
  if (!spec.priorityClassName) spec.priority ??= 0;
  spec.preemptionPolicy ??= "PreemptLowerPriority";
}

/** Port defaults shared with services. */
export function defaultServicePortProtocol(port: ServicePort): void {
  port.protocol ??= "TCP";
}
