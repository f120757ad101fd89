// A container's environment as the kubelet builds it: service links, then envFrom sources, then
// env entries (later ones win), each value $(VAR)-expanded against what came before; values
// from ConfigMaps, Secrets, the downward API and container resources.
import type { ConfigMap, Container, Pod, Secret } from "kubernetes-types/core/v1.js";
import type { KeyValue } from "../runtime/runtime.ts";
import { expandWith } from "./expansion.ts";
import { type Allocatable, ContainerConfigError, fieldValue, resourceValue } from "./fieldref.ts";

/** How the kubelet reads referenced objects (undefined when they do not exist). */
export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<Secret | undefined>;
}

export interface EnvInput {
  pod: Pod;
  container: Container;
  objects: ObjectSource;
  allocatable: Allocatable;
  /** Service link variables (KUBERNETES_SERVICE_HOST, …), lowest precedence. */
  serviceEnv?: Record<string, string>;
}

const envName = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export const decodeSecret = (s: Secret, key: string): string | undefined => {
  const data = s.data?.[key];
  if (data !== undefined) return Buffer.from(data, "base64").toString("utf8");
  return s.stringData?.[key];
};

export async function containerEnv(input: EnvInput): Promise<KeyValue[]> {
  const { pod, container, objects } = input;
  const ns = pod.metadata?.namespace ?? "";
  const env = new Map<string, string>(Object.entries(input.serviceEnv ?? {}));
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? "";
    if (from.configMapRef) {
      const name = from.configMapRef.name ?? "";
      const cm = await objects.configMap(ns, name);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {}))
        if (envName.test(prefix + k)) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const name = from.secretRef.name ?? "";
      const s = await objects.secret(ns, name);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      for (const k of Object.keys(s.data ?? {})) {
        const v = decodeSecret(s, k);
        if (v !== undefined && envName.test(prefix + k)) env.set(prefix + k, v);
      }
    }
  }
  for (const e of container.env ?? []) {
    const value = await envValue(input, e, env);
    if (value !== undefined) env.set(e.name, value);
  }
  return [...env].map(([key, value]) => ({ key, value }));
}

async function envValue(
  input: EnvInput,
  e: NonNullable<Container["env"]>[number],
  env: ReadonlyMap<string, string>,
): Promise<string | undefined> {
  const ns = input.pod.metadata?.namespace ?? "";
  const from = e.valueFrom;
  if (!from) return expandWith(e.value ?? "", env);
  if (from.fieldRef) return fieldValue(input.pod, from.fieldRef.fieldPath);
  if (from.resourceFieldRef) {
    const r = from.resourceFieldRef;
    const target = r.containerName
      ? [...(input.pod.spec?.containers ?? []), ...(input.pod.spec?.initContainers ?? [])].find(
          (c) => c.name === r.containerName,
        )
      : input.container;
    if (!target) throw new ContainerConfigError(`container "${r.containerName}" not found in pod`);
    return resourceValue(target, r.resource, r.divisor, input.allocatable);
  }
  if (from.configMapKeyRef) {
    const { name = "", key, optional } = from.configMapKeyRef;
    const cm = await input.objects.configMap(ns, name);
    if (!cm) {
      if (optional) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    const v = cm.data?.[key];
    if (v === undefined && !optional) {
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
    }
    return v;
  }
  if (from.secretKeyRef) {
    const { name = "", key, optional } = from.secretKeyRef;
    const s = await input.objects.secret(ns, name);
    if (!s) {
      if (optional) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    const v = decodeSecret(s, key);
    if (v === undefined && !optional) {
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${ns}/${name}`);
    }
    return v;
  }
  return undefined;
}
