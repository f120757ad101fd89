// The one seam through which the non-core groups use the core/v1 engineer's shared helpers
// (ObjectMeta, names, label selectors, pod template defaults and validation).
// INTERIM: until branch core-kinds commits src/api/validation/** and src/api/core/index.ts,
// this file holds minimal stand-ins with the same signatures; it then becomes re-exports only.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { LabelSelector, ObjectMeta } from "kubernetes-types/meta/v1.js";
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";

export type NameValidator = (name: string, prefix: boolean) => string[];

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function isDns1123Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!dns1123Label.test(value)) {
    errs.push(
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

export function isDns1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push("must be no more than 253 characters");
  if (!dns1123Subdomain.test(value)) {
    errs.push(
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    );
  }
  return errs;
}

export function isDns1035Label(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push("must be no more than 63 characters");
  if (!dns1035Label.test(value)) {
    errs.push(
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  return errs;
}

export function isQualifiedName(value: string): string[] {
  const parts = value.split("/");
  const name = parts.length === 2 ? (parts[1] ?? "") : (parts[0] ?? "");
  const errs: string[] = [];
  if (parts.length > 2) return ["a qualified name must consist of alphanumeric characters"];
  if (parts.length === 2) errs.push(...isDns1123Subdomain(parts[0] ?? "").map((m) => `prefix part ${m}`));
  if (name.length === 0) errs.push("name part must be non-empty");
  else if (name.length > 63) errs.push("name part must be no more than 63 characters");
  if (name.length > 0 && !qualifiedNamePart.test(name)) {
    errs.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  }
  return errs;
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? []
    : ["must be between 1 and 65535, inclusive"];
}

export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (port.length > 15) errs.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(port))
    errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!/[a-z]/.test(port)) errs.push("must contain at least one letter (a-z)");
  if (port.includes("--")) errs.push("must not contain consecutive hyphens");
  if (port.startsWith("-") || port.endsWith("-")) errs.push("must not begin or end with a hyphen");
  return errs;
}

export const nameIsDnsSubdomain: NameValidator = (name, prefix) =>
  isDns1123Subdomain(prefix ? `${name}a` : name);
export const nameIsDnsLabel: NameValidator = (name, prefix) => isDns1123Label(prefix ? `${name}a` : name);

export const validatePathSegmentName: NameValidator = (name, prefix) => {
  if (!prefix && (name === "." || name === "..")) return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ["/", "%"]) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
};

export interface ObjectMetaOptions {
  namespaced: boolean;
  nameFn: NameValidator;
  at?: FieldPath;
}

export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions): FieldError[] {
  const at = opts.at ?? FieldPath.root("metadata");
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (!m.name && !m.generateName)
    errs.push(fieldErrors.required(at.child("name"), "name or generateName is required"));
  if (m.name)
    for (const msg of opts.nameFn(m.name, false))
      errs.push(fieldErrors.invalid(at.child("name"), m.name, msg));
  if (opts.namespaced && !m.namespace) errs.push(fieldErrors.required(at.child("namespace"), ""));
  if (!opts.namespaced && m.namespace) {
    errs.push(fieldErrors.forbidden(at.child("namespace"), "not allowed on this type"));
  }
  return errs;
}

export function validateObjectMetaUpdate(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  opts: ObjectMetaOptions,
): FieldError[] {
  const at = opts.at ?? FieldPath.root("metadata");
  return [
    ...validateObjectMeta(meta, opts),
    ...validateImmutable(meta?.name, old?.name, at.child("name")),
    ...validateImmutable(meta?.namespace, old?.namespace, at.child("namespace")),
  ];
}

export function validateNonnegative(value: number | undefined, at: FieldPath): FieldError[] {
  return value !== undefined && value < 0
    ? [fieldErrors.invalid(at, value, "must be greater than or equal to 0")]
    : [];
}

export function validateImmutable(next: unknown, old: unknown, at: FieldPath): FieldError[] {
  return deepEqual(next, old) ? [] : [fieldErrors.invalid(at, next, "field is immutable")];
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(ra[k], rb[k]));
}

const operators = ["In", "NotIn", "Exists", "DoesNotExist"];

export function validateLabelSelector(selector: LabelSelector | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (selector?.matchExpressions ?? []).forEach((req, i) => {
    const p = at.child("matchExpressions").index(i);
    if (!operators.includes(req.operator))
      errs.push(fieldErrors.invalid(p.child("operator"), req.operator, "not a valid selector operator"));
  });
  return errs;
}

export function labelSelectorMatches(
  selector: LabelSelector,
  labels: Record<string, string> | undefined,
): boolean {
  const set = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (set[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = req.key in set;
    const value = set[req.key];
    if (req.operator === "In" && !(has && (req.values ?? []).includes(value ?? ""))) return false;
    if (req.operator === "NotIn" && has && (req.values ?? []).includes(value ?? "")) return false;
    if (req.operator === "Exists" && !has) return false;
    if (req.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

export function isEmptyLabelSelector(selector: LabelSelector | undefined): boolean {
  return (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0)
  );
}

export function formatLabelSelector(selector: LabelSelector | undefined): string {
  if (!selector) return "<none>";
  const parts: [string, string][] = [];
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) parts.push([k, `${k}=${v}`]);
  for (const req of selector.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(",");
    if (req.operator === "In") parts.push([req.key, `${req.key} in (${values})`]);
    else if (req.operator === "NotIn") parts.push([req.key, `${req.key} notin (${values})`]);
    else if (req.operator === "Exists") parts.push([req.key, req.key]);
    else if (req.operator === "DoesNotExist") parts.push([req.key, `!${req.key}`]);
  }
  if (parts.length === 0) return "<none>";
  return parts
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map((p) => p[1])
    .join(",");
}

export function formatMapSelector(selector: Record<string, string> | undefined): string {
  return formatLabelSelector({ matchLabels: selector ?? {} });
}

/** Interim: only restartPolicy (what workload validation depends on). */
export function defaultPodTemplateSpec(template: PodTemplateSpec): void {
  template.spec ??= { containers: [] };
  template.spec.restartPolicy ??= "Always";
}

/** Interim: containers required, each with a name and an image. */
export function validatePodTemplateSpec(template: PodTemplateSpec | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const containers = template?.spec?.containers ?? [];
  if (containers.length === 0) errs.push(fieldErrors.required(at.child("spec").child("containers"), ""));
  containers.forEach((c, i) => {
    const p = at.child("spec").child("containers").index(i);
    if (!c.name) errs.push(fieldErrors.required(p.child("name"), ""));
    if (!c.image) errs.push(fieldErrors.required(p.child("image"), ""));
  });
  return errs;
}
