// fieldValidation of PATCH requests: Kubernetes decodes the patched object strictly and reports the
// unknown fields the patch brought in — as warnings (Warn) or as a 422 on the `patch` field (Strict).
import { InvalidError } from "../../api/errors.ts";
import { fieldErrors } from "../../api/field.ts";
import { isPlainObject } from "../../api/object.ts";
import { type FieldValidation, validateFields } from "../../api/schema/field-validation.ts";
import { unknownFields } from "../../api/schema/unknown-fields.ts";

export interface PatchedFieldsOptions {
  /** The kind the patched document decodes as. */
  target: { group: string; version: string; kind: string };
  current: unknown;
  patched: unknown;
  directive: FieldValidation;
  /** How the `patch` field error shows the value: the patched JSON, or the patch as a Go map. */
  shownValue: () => string;
}

/** Unknown fields of `patched` that `current` did not already have, per the directive. */
export function checkPatchedFields(options: PatchedFieldsOptions): string[] {
  if (options.directive === "Ignore") return [];
  const { group, version, kind } = options.target;
  const problemsOf = (object: unknown) =>
    validateFields({ group, version, kind, object, fieldValidation: "Warn" });
  const before = new Set(problemsOf(options.current));
  const problems = problemsOf(options.patched).filter((p) => !before.has(p));
  if (problems.length === 0 || options.directive === "Warn") return problems;
  throw new InvalidError("", "", "", [
    fieldErrors.invalid("patch", options.shownValue(), `strict decoding error: ${problems.join(", ")}`),
  ]);
}

/**
 * Drops the fields the kind's schema does not declare, as decoding into Kubernetes' typed objects
 * does (Warn and Ignore accept a patch that sets them, but nothing is stored).
 */
export function pruneUnknownFields(target: PatchedFieldsOptions["target"], object: unknown): void {
  for (const path of unknownFields(target.group, target.version, target.kind, object)) removeAt(object, path);
}

/**
 * Removes the member at a strict-decoding path (`spec.containers[0].x`). Map keys may contain dots,
 * so each step tries the keys that prefix the rest of the path.
 */
export function removeAt(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    const m = /^\[(\d+)\]\.?/.exec(path);
    if (m) removeAt(value[Number(m[1])], path.slice(m[0].length));
    return;
  }
  if (!isPlainObject(value)) return;
  for (const key of Object.keys(value)) {
    if (path === key) {
      delete value[key];
      return;
    }
    const next = path[key.length];
    if (path.startsWith(key) && (next === "." || next === "[")) {
      removeAt(value[key], path.slice(next === "." ? key.length + 1 : key.length));
    }
  }
}

/** Go's `%+v` of a decoded JSON value (`map[a:1 b:[x y]]`), as Kubernetes shows a patch map. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return "<nil>";
  if (Array.isArray(value)) return `[${value.map(goFormat).join(" ")}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${keys.map((k) => `${k}:${goFormat(value[k])}`).join(" ")}]`;
  }
  return String(value);
}
