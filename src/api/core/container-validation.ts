// Container validation (pkg/apis/core/validation: validateContainers and helpers): names,
// image, ports, env, volume mounts, resources, probes, pull and termination-message policies.
import type { Container, ContainerPort, EnvFromSource, EnvVar, Probe } from "kubernetes-types/core/v1.js";
import { type FieldError, type FieldPath, fieldErrors } from "../field.ts";
import {
  isConfigMapKey,
  isDns1123Label,
  isDns1123Subdomain,
  isEnvVarName,
  isValidPortName,
  isValidPortNum,
} from "../validation/names.ts";
import { validateNonnegative } from "../validation/objectmeta.ts";
import { validateResourceRequirements } from "../validation/resources.ts";

export const supportedPortProtocols = ["SCTP", "TCP", "UDP"];
const pullPolicies = ["Always", "IfNotPresent", "Never"];

export function validateContainerPorts(ports: ContainerPort[] | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = at.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      for (const msg of msgs) errs.push(fieldErrors.invalid(p.child("name"), port.name, msg));
      if (msgs.length === 0 && names.has(port.name))
        errs.push(fieldErrors.duplicate(p.child("name"), port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(fieldErrors.required(p.child("containerPort"), ""));
    else {
      for (const msg of isValidPortNum(port.containerPort)) {
        errs.push(fieldErrors.invalid(p.child("containerPort"), port.containerPort, msg));
      }
    }
    if (port.hostPort) {
      for (const msg of isValidPortNum(port.hostPort))
        errs.push(fieldErrors.invalid(p.child("hostPort"), port.hostPort, msg));
    }
    if (!port.protocol) errs.push(fieldErrors.required(p.child("protocol"), ""));
    else if (!supportedPortProtocols.includes(port.protocol)) {
      errs.push(fieldErrors.notSupported(p.child("protocol"), port.protocol, supportedPortProtocols));
    }
  });
  return errs;
}

/** Downward-API field paths an env var may reference (sorted, as Kubernetes lists them). */
const envFieldPaths = [
  "metadata.annotations",
  "metadata.labels",
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "spec.serviceAccountName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];

function validateFieldRef(ref: { apiVersion?: string; fieldPath: string }, at: FieldPath): FieldError[] {
  if (!ref.apiVersion) return [fieldErrors.required(at.child("apiVersion"), "")];
  if (!ref.fieldPath) return [fieldErrors.required(at.child("fieldPath"), "")];
  // Subscripted label and annotation paths (`metadata.labels['app']`) are allowed.
  if (/^metadata\.(labels|annotations)\['.+'\]$/.test(ref.fieldPath)) return [];
  if (!envFieldPaths.includes(ref.fieldPath)) {
    return [fieldErrors.notSupported(at.child("fieldPath"), ref.fieldPath, envFieldPaths)];
  }
  return [];
}

function validateKeyRef(ref: { name?: string; key: string }, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!ref.name) errs.push(fieldErrors.required(at.child("name"), ""));
  else
    for (const msg of isDns1123Subdomain(ref.name))
      errs.push(fieldErrors.invalid(at.child("name"), ref.name, msg));
  if (!ref.key) errs.push(fieldErrors.required(at.child("key"), ""));
  else
    for (const msg of isConfigMapKey(ref.key)) errs.push(fieldErrors.invalid(at.child("key"), ref.key, msg));
  return errs;
}

function validateEnvVarSource(env: EnvVar, at: FieldPath): FieldError[] {
  const from = env.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateFieldRef(from.fieldRef, at.child("fieldRef")));
  }
  if (from.resourceFieldRef) {
    sources++;
    if (!from.resourceFieldRef.resource) {
      errs.push(fieldErrors.required(at.child("resourceFieldRef").child("resource"), ""));
    }
  }
  if (from.configMapKeyRef) {
    sources++;
    errs.push(...validateKeyRef(from.configMapKeyRef, at.child("configMapKeyRef")));
  }
  if (from.secretKeyRef) {
    sources++;
    errs.push(...validateKeyRef(from.secretKeyRef, at.child("secretKeyRef")));
  }
  if (sources === 0) {
    errs.push(
      fieldErrors.invalid(
        at,
        "",
        "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
      ),
    );
  } else if (env.value) {
    errs.push(fieldErrors.invalid(at, "", "may not be specified when `value` is not empty"));
  } else if (sources > 1) {
    errs.push(fieldErrors.invalid(at, "", "may not have more than one field specified at a time"));
  }
  return errs;
}

export function validateEnv(env: EnvVar[] | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (env ?? []).forEach((ev, i) => {
    const p = at.index(i);
    if (!ev.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else
      for (const msg of isEnvVarName(ev.name)) errs.push(fieldErrors.invalid(p.child("name"), ev.name, msg));
    errs.push(...validateEnvVarSource(ev, p.child("valueFrom")));
  });
  return errs;
}

export function validateEnvFrom(envFrom: EnvFromSource[] | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (envFrom ?? []).forEach((source, i) => {
    const p = at.index(i);
    if (source.prefix) {
      for (const msg of isEnvVarName(source.prefix))
        errs.push(fieldErrors.invalid(p.child("prefix"), source.prefix, msg));
    }
    const refs = [
      ["configMapRef", source.configMapRef],
      ["secretRef", source.secretRef],
    ] as const;
    const set = refs.filter(([, ref]) => ref);
    for (const [kind, ref] of set) {
      if (!ref?.name) errs.push(fieldErrors.required(p.child(kind).child("name"), ""));
      else {
        for (const msg of isDns1123Subdomain(ref.name))
          errs.push(fieldErrors.invalid(p.child(kind).child("name"), ref.name, msg));
      }
    }
    if (set.length === 0)
      errs.push(fieldErrors.invalid(p, "", "must specify one of: `configMapRef` or `secretRef`"));
    if (set.length > 1)
      errs.push(fieldErrors.invalid(p, "", "may not have more than one field specified at a time"));
  });
  return errs;
}

function validateVolumeMounts(c: Container, volumes: ReadonlySet<string>, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = at.index(i);
    if (!m.name) errs.push(fieldErrors.required(p.child("name"), ""));
    else if (!volumes.has(m.name)) errs.push(fieldErrors.notFound(p.child("name"), m.name));
    if (!m.mountPath) errs.push(fieldErrors.required(p.child("mountPath"), ""));
    else if (paths.has(m.mountPath))
      errs.push(fieldErrors.invalid(p.child("mountPath"), m.mountPath, "must be unique"));
    if (m.mountPath) paths.add(m.mountPath);
    if (m.subPath) errs.push(...validateLocalDescendingPath(m.subPath, p.child("subPath")));
    if (m.subPath && m.subPathExpr) {
      errs.push(
        fieldErrors.invalid(
          p.child("subPathExpr"),
          m.subPathExpr,
          "subPathExpr and subPath are mutually exclusive",
        ),
      );
    }
    const propagation = ["None", "HostToContainer", "Bidirectional"];
    if (m.mountPropagation && !propagation.includes(m.mountPropagation)) {
      errs.push(fieldErrors.notSupported(p.child("mountPropagation"), m.mountPropagation, propagation));
    }
  });
  return errs;
}

/** validateLocalDescendingPath: relative, without `..` segments. */
export function validateLocalDescendingPath(path: string, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (path.startsWith("/")) errs.push(fieldErrors.invalid(at, path, "must be a relative path"));
  if (path.split("/").includes("..")) errs.push(fieldErrors.invalid(at, path, "must not contain '..'"));
  return errs;
}

function validateProbe(probe: Probe | undefined, at: FieldPath): FieldError[] {
  if (!probe) return [];
  const errs: FieldError[] = [];
  const handlers = [probe.exec, probe.httpGet, probe.tcpSocket, probe.grpc].filter((h) => h);
  if (handlers.length === 0) errs.push(fieldErrors.required(at, "must specify a handler type"));
  else if (handlers.length > 1)
    errs.push(fieldErrors.forbidden(at, "may not specify more than 1 handler type"));
  errs.push(...validateNonnegative(probe.initialDelaySeconds, at.child("initialDelaySeconds")));
  errs.push(...validateNonnegative(probe.timeoutSeconds, at.child("timeoutSeconds")));
  errs.push(...validateNonnegative(probe.periodSeconds, at.child("periodSeconds")));
  errs.push(...validateNonnegative(probe.successThreshold, at.child("successThreshold")));
  errs.push(...validateNonnegative(probe.failureThreshold, at.child("failureThreshold")));
  const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
  const portPath = at.child(probe.httpGet ? "httpGet" : "tcpSocket").child("port");
  if (typeof port === "number") {
    for (const msg of isValidPortNum(port)) errs.push(fieldErrors.invalid(portPath, port, msg));
  } else if (typeof port === "string") {
    for (const msg of isValidPortName(port)) errs.push(fieldErrors.invalid(portPath, port, msg));
  }
  return errs;
}

export interface ContainerValidationContext {
  /** Names of the pod's volumes, for volumeMounts. */
  volumes: ReadonlySet<string>;
  /** Container names already used in the pod (containers, init and ephemeral share one space). */
  names: Set<string>;
}

/** Checks common to containers, init containers and ephemeral containers. */
export function validateContainer(
  c: Container,
  at: FieldPath,
  ctx: ContainerValidationContext,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(fieldErrors.required(at.child("name"), ""));
  else {
    for (const msg of isDns1123Label(c.name)) errs.push(fieldErrors.invalid(at.child("name"), c.name, msg));
    if (ctx.names.has(c.name)) errs.push(fieldErrors.duplicate(at.child("name"), c.name));
    ctx.names.add(c.name);
  }
  if (!c.image) errs.push(fieldErrors.required(at.child("image"), ""));
  else if (c.image.trim() !== c.image) {
    errs.push(
      fieldErrors.invalid(at.child("image"), c.image, "must not have leading or trailing whitespace"),
    );
  }
  if (!c.imagePullPolicy) errs.push(fieldErrors.required(at.child("imagePullPolicy"), ""));
  else if (!pullPolicies.includes(c.imagePullPolicy)) {
    errs.push(fieldErrors.notSupported(at.child("imagePullPolicy"), c.imagePullPolicy, pullPolicies));
  }
  const tmp = c.terminationMessagePolicy;
  if (!tmp) {
    errs.push(
      fieldErrors.required(at.child("terminationMessagePolicy"), "must be 'File' or 'FallbackToLogsOnError'"),
    );
  } else if (tmp !== "File" && tmp !== "FallbackToLogsOnError") {
    errs.push(
      fieldErrors.invalid(
        at.child("terminationMessagePolicy"),
        tmp,
        "must be 'File' or 'FallbackToLogsOnError'",
      ),
    );
  }
  errs.push(...validateContainerPorts(c.ports, at.child("ports")));
  errs.push(...validateEnv(c.env, at.child("env")));
  errs.push(...validateEnvFrom(c.envFrom, at.child("envFrom")));
  errs.push(...validateVolumeMounts(c, ctx.volumes, at.child("volumeMounts")));
  errs.push(...validateResourceRequirements(c.resources, at.child("resources")));
  errs.push(...validateProbe(c.livenessProbe, at.child("livenessProbe")));
  errs.push(...validateProbe(c.readinessProbe, at.child("readinessProbe")));
  errs.push(...validateProbe(c.startupProbe, at.child("startupProbe")));
  if (c.livenessProbe && (c.livenessProbe.successThreshold ?? 1) !== 1) {
    errs.push(
      fieldErrors.invalid(
        at.child("livenessProbe").child("successThreshold"),
        c.livenessProbe.successThreshold,
        "must be 1",
      ),
    );
  }
  return errs;
}
