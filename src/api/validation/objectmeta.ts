// ObjectMeta validation (apimachinery's api/validation/objectmeta.go): names, generateName,
// namespace presence, labels, annotations, owner references, finalizers; and the update rules.
import { type FieldError, FieldPath, fieldErrors } from "../field.ts";
import type { ObjectMeta } from "../object.ts";
import { isDns1123Label, isQualifiedName, isValidLabelValue, type NameValidator } from "./names.ts";

/** apimachinery's TotalAnnotationSizeLimitB: 256 KiB over all keys and values. */
export const totalAnnotationSizeLimit = 256 * 1024;

export const metadataPath = FieldPath.root("metadata");

export function validateLabelName(name: string, at: FieldPath): FieldError[] {
  return isQualifiedName(name).map((msg) => fieldErrors.invalid(at, name, msg));
}

/** Label keys and values; errors point at the map itself, as Kubernetes reports them. */
export function validateLabels(labels: Record<string, string> | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(key, at));
    for (const msg of isValidLabelValue(String(value))) errs.push(fieldErrors.invalid(at, value, msg));
  }
  return errs;
}

export function validateAnnotations(
  annotations: Record<string, string> | undefined,
  at: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.push(fieldErrors.invalid(at, key, msg));
    total += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (total > totalAnnotationSizeLimit) errs.push(fieldErrors.tooLong(at, "", totalAnnotationSizeLimit));
  return errs;
}

export function validateNonnegative(value: number | undefined, at: FieldPath): FieldError[] {
  return value !== undefined && value < 0
    ? [fieldErrors.invalid(at, value, "must be greater than or equal to 0")]
    : [];
}

/** ValidateImmutableField: deep equality, `field is immutable`. */
export function validateImmutable(next: unknown, old: unknown, at: FieldPath): FieldError[] {
  return deepEqual(next, old) ? [] : [fieldErrors.invalid(at, next, "field is immutable")];
}

/** Structural equality of JSON values, treating undefined members as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(ra[k], rb[k]));
}

export interface ObjectMetaOptions {
  /** True for namespaced kinds: metadata.namespace is then required, else forbidden. */
  namespaced: boolean;
  /** How names (and generateName prefixes) are checked for this kind. */
  nameFn: NameValidator;
  /** Path of the metadata (default `metadata`; `spec.template.metadata` for templates). */
  at?: FieldPath;
}

/** ValidateObjectMeta for a stored object. */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions): FieldError[] {
  const at = opts.at ?? metadataPath;
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of opts.nameFn(m.generateName, true)) {
      errs.push(fieldErrors.invalid(at.child("generateName"), m.generateName, msg));
    }
  }
  if (!m.name) errs.push(fieldErrors.required(at.child("name"), "name or generateName is required"));
  else
    for (const msg of opts.nameFn(m.name, false))
      errs.push(fieldErrors.invalid(at.child("name"), m.name, msg));
  if (opts.namespaced) {
    if (!m.namespace) errs.push(fieldErrors.required(at.child("namespace"), ""));
    else {
      for (const msg of isDns1123Label(m.namespace)) {
        errs.push(fieldErrors.invalid(at.child("namespace"), m.namespace, msg));
      }
    }
  } else if (m.namespace) {
    errs.push(fieldErrors.forbidden(at.child("namespace"), "not allowed on this type"));
  }
  errs.push(...validateNonnegative(m.generation, at.child("generation")));
  errs.push(...validateLabels(m.labels, at.child("labels")));
  errs.push(...validateAnnotations(m.annotations, at.child("annotations")));
  errs.push(...validateOwnerReferences(m.ownerReferences, at.child("ownerReferences")));
  errs.push(...validateFinalizers(m.finalizers, at.child("finalizers")));
  return errs;
}

function validateOwnerReferences(refs: ObjectMeta["ownerReferences"], at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let controllers = 0;
  for (const ref of refs ?? []) {
    if (!ref.apiVersion)
      errs.push(fieldErrors.invalid(at.child("apiVersion"), ref.apiVersion, "version must not be empty"));
    if (!ref.kind) errs.push(fieldErrors.invalid(at.child("kind"), ref.kind, "kind must not be empty"));
    if (!ref.name) errs.push(fieldErrors.invalid(at.child("name"), ref.name, "name must not be empty"));
    if (!ref.uid) errs.push(fieldErrors.invalid(at.child("uid"), ref.uid, "uid must not be empty"));
    if (ref.controller) controllers++;
  }
  if (controllers > 1) {
    errs.push(fieldErrors.invalid(at, refs, "Only one reference can have Controller set to true."));
  }
  return errs;
}

function validateFinalizers(finalizers: string[] | undefined, at: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  for (const f of finalizers ?? []) {
    for (const msg of isQualifiedName(f)) errs.push(fieldErrors.invalid(at, f, msg));
    seen.add(f);
  }
  if (seen.has("orphan") && seen.has("foregroundDeletion")) {
    errs.push(
      fieldErrors.invalid(at, finalizers, "finalizer orphan and foregroundDeletion cannot be both set"),
    );
  }
  return errs;
}

/**
 * ValidateObjectMetaUpdate's own part: identity fields are immutable. It does not re-run
 * validateObjectMeta, because Strategy.validate already runs on every update.
 */
export function validateObjectMetaUpdate(
  meta: ObjectMeta | undefined,
  old: ObjectMeta | undefined,
  opts: ObjectMetaOptions,
): FieldError[] {
  const at = opts.at ?? metadataPath;
  const m = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) {
    const added = (m.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (added.length > 0) {
      const list = added.map((f) => JSON.stringify(f)).join(", ");
      errs.push(
        fieldErrors.forbidden(
          at.child("finalizers"),
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${list}}`,
        ),
      );
    }
  }
  errs.push(...validateImmutable(m.name, o.name, at.child("name")));
  errs.push(...validateImmutable(m.namespace, o.namespace, at.child("namespace")));
  errs.push(...validateImmutable(m.uid, o.uid, at.child("uid")));
  errs.push(...validateImmutable(m.creationTimestamp, o.creationTimestamp, at.child("creationTimestamp")));
  if (o.deletionTimestamp && m.deletionTimestamp !== o.deletionTimestamp) {
    errs.push(...validateImmutable(m.deletionTimestamp, o.deletionTimestamp, at.child("deletionTimestamp")));
  }
  if (o.deletionGracePeriodSeconds !== undefined) {
    errs.push(
      ...validateImmutable(
        m.deletionGracePeriodSeconds,
        o.deletionGracePeriodSeconds,
        at.child("deletionGracePeriodSeconds"),
      ),
    );
  }
  return errs;
}

/** Template metadata (pod templates): labels and annotations only, no name or namespace needed. */
export function validateTemplateObjectMeta(meta: ObjectMeta | undefined, at: FieldPath): FieldError[] {
  return [
    ...validateLabels(meta?.labels, at.child("labels")),
    ...validateAnnotations(meta?.annotations, at.child("annotations")),
  ];
}
