// Metadata bookkeeping common to every kind (Kubernetes' BeforeCreate/BeforeUpdate):
// uid, timestamps, generation, generateName, namespace, and generic ObjectMeta validation.

import { randomBytes, randomUUID } from "node:crypto";
import { BadRequestError } from "../../api/errors.ts";
import { type FieldError, fieldErrors } from "../../api/field.ts";
import { isPlainObject, type KubeObject, type ObjectMeta } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { jsonEqual } from "./jsonequal.ts";

/** kubernetes-types marks metadata fields readonly; the server is the one that writes them. */
export type MutableMeta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };

export function meta(obj: KubeObject): MutableMeta {
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as MutableMeta;
}

/** RFC 3339 with second precision, as Kubernetes' metav1.Time. */
export function timestamp(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789";

/** generateName + 5 random characters (Kubernetes' SimpleNameGenerator). */
export function generateName(base: string): string {
  const prefix = base.length > 58 ? base.slice(0, 58) : base;
  const bytes = randomBytes(5);
  let suffix = "";
  for (const b of bytes) suffix += nameAlphabet[b % nameAlphabet.length];
  return prefix + suffix;
}

/** Namespace from the URL wins; a different one in the body is 400 as in Kubernetes. */
export function settleNamespace(def: ResourceDef, obj: KubeObject, urlNamespace: string): void {
  const m = meta(obj);
  if (!def.namespaced) {
    delete m.namespace;
    return;
  }
  if (m.namespace && urlNamespace && m.namespace !== urlNamespace) {
    throw new BadRequestError(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  }
  m.namespace = urlNamespace || m.namespace || "default";
}

export function checkTypeMeta(def: ResourceDef, obj: KubeObject, expectedKind = def.kind): void {
  const gv = def.group === "" ? def.version : `${def.group}/${def.version}`;
  if (obj.apiVersion !== undefined && obj.apiVersion !== gv) {
    throw new BadRequestError(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${gv})`,
    );
  }
  if (obj.kind !== undefined && obj.kind !== expectedKind) {
    throw new BadRequestError(
      `the kind in the data (${String(obj.kind)}) does not match the expected kind (${expectedKind})`,
    );
  }
}

export function prepareCreateMeta(def: ResourceDef, obj: KubeObject, now: Date): void {
  const m = meta(obj);
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  delete m.selfLink;
  m.uid = randomUUID();
  m.creationTimestamp = timestamp(now);
  if ("spec" in obj) m.generation = 1;
  else delete m.generation;
  if (!m.name && m.generateName) m.name = generateName(m.generateName);
  if (!def.namespaced) delete m.namespace;
}

export function specEqual(a: KubeObject, b: KubeObject): boolean {
  return jsonEqual(a.spec, b.spec);
}

/** JSON with sorted keys: equality that ignores key order. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (!isPlainObject(v)) return v;
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = v[k];
      return sorted;
    }) ?? "undefined"
  );
}

/** System fields the client may not change on update: copied from the stored object. */
export function carryOverMeta(obj: KubeObject, old: KubeObject): void {
  const m = meta(obj);
  const o = meta(old);
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.deletionTimestamp) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (o.generation !== undefined) {
    m.generation = specEqual(obj, old) ? o.generation : o.generation + 1;
  } else delete m.generation;
  delete m.selfLink;
}

const labelKey =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The DNS-1123 subdomain rule most kinds apply to metadata.name. */
export function dnsSubdomainErrors(name: string | undefined): FieldError[] {
  if (name === undefined || name === "" || (name.length <= 253 && dnsSubdomain.test(name))) return [];
  return [
    fieldErrors.invalid(
      "metadata.name",
      name,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ),
  ];
}

function qualifiedNameOk(key: string): boolean {
  const name = key.includes("/") ? key.slice(key.lastIndexOf("/") + 1) : key;
  const prefix = key.includes("/") ? key.slice(0, key.lastIndexOf("/")) : "";
  return labelKey.test(key) && name.length <= 63 && prefix.length <= 253;
}

/**
 * Kind-independent ObjectMeta checks (name present and a valid path segment, labels and
 * annotation keys). The name *format* is the strategy's business; kinds without a validate
 * hook get the DNS-subdomain rule most kinds use.
 */
export function validateObjectMeta(def: ResourceDef, obj: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const m = meta(obj);
  const name = m.name;
  if (typeof name !== "string" || name === "") {
    errs.push(fieldErrors.required("metadata.name", "name or generateName is required"));
  } else if (name === "." || name === ".." || name.includes("/") || name.includes("%")) {
    errs.push(
      fieldErrors.invalid("metadata.name", name, `may not be '.' or '..' and may not contain '/' or '%'`),
    );
  } else if (!def.strategy.validate) {
    errs.push(...dnsSubdomainErrors(name));
  }
  const labels: unknown = m.labels;
  if (labels !== undefined && labels !== null) {
    if (!isPlainObject(labels))
      errs.push(fieldErrors.typeInvalid("metadata.labels", labels, "must be a map"));
    else
      for (const [k, v] of Object.entries(labels)) {
        if (!qualifiedNameOk(k)) {
          errs.push(
            fieldErrors.invalid(
              `metadata.labels`,
              k,
              "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            ),
          );
        }
        if (typeof v !== "string" || v.length > 63 || !labelValue.test(v)) {
          errs.push(
            fieldErrors.invalid(
              `metadata.labels`,
              v,
              "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            ),
          );
        }
      }
  }
  const annotations: unknown = m.annotations;
  if (annotations !== undefined && annotations !== null) {
    if (!isPlainObject(annotations))
      errs.push(fieldErrors.typeInvalid("metadata.annotations", annotations, "must be a map"));
    else {
      let size = 0;
      for (const [k, v] of Object.entries(annotations)) {
        if (!qualifiedNameOk(k))
          errs.push(
            fieldErrors.invalid(
              "metadata.annotations",
              k,
              "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            ),
          );
        if (typeof v !== "string")
          errs.push(fieldErrors.typeInvalid(`metadata.annotations[${k}]`, v, "must be a string"));
        else size += k.length + v.length;
      }
      if (size > 256 * 1024) errs.push(fieldErrors.tooLong("metadata.annotations", "", 256 * 1024));
    }
  }
  return errs;
}
