// Server-side apply (`application/apply-patch+yaml`): merges a manager's applied configuration into
// the live object, removes what it applied before but no longer does (unless someone else owns it),
// and refuses to change fields other managers own unless forced (structured-merge-diff's Apply).
import { parse as parseYaml } from "yaml";
import { ApiError, BadRequestError, InvalidError } from "../../../api/errors.ts";
import { fieldErrors } from "../../../api/field.ts";
import type { PatchSchema } from "../../../api/patchschema.ts";
import { deepEqual, isJsonObject, type JsonObject } from "../json.ts";
import {
  type FieldPathElements,
  type FieldSet,
  fieldSetOf,
  fieldValues,
  pathString,
  strippedFields,
} from "./fieldset.ts";
import {
  compareObjects,
  compareStrings,
  decodeManagedFields,
  type Manager,
  managerId,
  metaTime,
  withManagedFields,
  withoutManagedFields,
} from "./managedfields.ts";
import { mergeApplied, removeAt } from "./merge.ts";

export interface ApplyConflict {
  manager: Manager;
  path: FieldPathElements;
}

/**
 * How a conflicting manager is named (apimachinery's printManager): `"kubectl"` for appliers,
 * `"x" using apps/v1` for updaters, with ` with subresource "scale"` right after the name.
 */
function printManager(m: Manager): string {
  const name = JSON.stringify(m.manager);
  const base = m.subresource ? `${name} with subresource ${JSON.stringify(m.subresource)}` : name;
  return m.operation === "Apply" ? base : `${base} using ${m.apiVersion}`;
}

/** 409 Conflict with one FieldManagerConflict cause per field, as Kubernetes' NewApplyConflict. */
export class ApplyConflictError extends ApiError {
  constructor(readonly conflicts: readonly ApplyConflict[]) {
    super(409, "Conflict", conflictMessage(conflicts), {
      causes: conflicts.map((c) => ({
        reason: "FieldManagerConflict",
        message: `conflict with ${printManager(c.manager)}`,
        field: pathString(c.path),
      })),
    });
  }
}

function conflictMessage(conflicts: readonly ApplyConflict[]): string {
  const [only] = conflicts;
  if (conflicts.length === 1 && only) {
    return `Apply failed with 1 conflict: conflict with ${printManager(only.manager)}: ${pathString(only.path)}`;
  }
  const byManager = new Map<string, string[]>();
  for (const c of conflicts) {
    const name = printManager(c.manager);
    byManager.set(name, [...(byManager.get(name) ?? []), pathString(c.path)]);
  }
  const lines: string[] = [];
  for (const name of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${name}:`);
    for (const path of byManager.get(name) ?? []) lines.push(`- ${path}`);
  }
  return `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`;
}

/** Decodes an apply body (YAML or JSON) into an object; 400 otherwise. */
export function decodeApplyPatch(body: string | Uint8Array): JsonObject {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new BadRequestError(`error decoding YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isJsonObject(value))
    throw new BadRequestError("error decoding YAML: the apply patch must be an object");
  return value;
}

export interface ServerSideApplyOptions {
  /** The stored object, or undefined when the apply creates it. */
  live: JsonObject | undefined;
  /** The applied configuration (decodeApplyPatch of the body). */
  applied: JsonObject;
  /** The `fieldManager` query parameter; required. */
  fieldManager: string | undefined;
  /** The `force` query parameter: take conflicting fields from their managers. */
  force?: boolean;
  /** The request's group/version (`apps/v1`) and kind; the configuration must name the same. */
  apiVersion: string;
  kind: string;
  schema: PatchSchema | undefined;
  now: Date;
  /** Fields nobody owns through this endpoint (e.g. `[["f:status"]]` on the main resource). */
  ignoredFields?: readonly FieldPathElements[];
}

export interface ServerSideApplyResult {
  /** The object to store, with metadata.managedFields updated. */
  object: JsonObject;
  /** Whether anything but managedFields differs from the live object. */
  changed: boolean;
}

export function serverSideApply(options: ServerSideApplyOptions): ServerSideApplyResult {
  const { applied, fieldManager, schema } = options;
  if (!fieldManager) {
    throw new InvalidError("meta.k8s.io", "PatchOptions", "", [
      fieldErrors.required("fieldManager", "is required for apply patch"),
    ]);
  }
  checkAppliedObject(options);
  const ignored = [...strippedFields, ...(options.ignoredFields ?? [])];
  const live = options.live ? withoutManagedFields(options.live) : {};
  const managers = decodeManagedFields(
    isJsonObject(options.live?.metadata) ? options.live.metadata.managedFields : [],
  );

  const configSet = fieldSetOf(fieldValues(applied, schema)).without(ignored);
  const merged = mergeApplied(live, applied, schema) as JsonObject;
  const id = managerId({ manager: fieldManager, operation: "Apply", apiVersion: options.apiVersion });
  const previous = managers.get(id);
  const applier: Manager = {
    manager: fieldManager,
    operation: "Apply",
    apiVersion: options.apiVersion,
    set: configSet,
  };
  if (previous?.time) applier.time = previous.time;
  managers.set(id, applier);
  if (previous) prune(merged, previous.set, [...managers.values()], schema);

  const { added, modified, removed } = compareObjects(live, merged, schema, options.ignoredFields);
  const changedFields = added.union(modified);
  const conflicts: ApplyConflict[] = [];
  for (const [otherId, other] of managers) {
    if (otherId === id) continue;
    for (const path of other.set.intersection(changedFields).paths())
      conflicts.push({ manager: other, path });
  }
  if (conflicts.length > 0 && !options.force) {
    conflicts.sort((a, b) => compareStrings(a.manager.manager, b.manager.manager));
    throw new ApplyConflictError(conflicts);
  }
  for (const [otherId, other] of managers) {
    if (otherId !== id) other.set = other.set.difference(changedFields);
    other.set = other.set.difference(removed);
  }
  const changed = !deepEqual(live, merged);
  if (changed) applier.time = metaTime(options.now);
  return { object: withManagedFields(merged, managers), changed };
}

function checkAppliedObject(options: ServerSideApplyOptions): void {
  const { applied } = options;
  if (applied.apiVersion !== options.apiVersion) {
    throw new BadRequestError(
      `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? "")}, expected: ${options.apiVersion}`,
    );
  }
  if (applied.kind !== options.kind) {
    throw new BadRequestError(
      `Incorrect kind specified in apply patch. Specified patch kind: ${String(applied.kind ?? "")}, expected: ${options.kind}`,
    );
  }
  if (isJsonObject(applied.metadata) && applied.metadata.managedFields != null) {
    throw new BadRequestError("metadata.managedFields must be nil");
  }
}

/** Removes fields the applier owned last time, owns no longer, and no manager owns now. */
function prune(
  merged: JsonObject,
  lastSet: FieldSet,
  managers: readonly Manager[],
  schema: PatchSchema | undefined,
): void {
  for (const path of lastSet.paths()) {
    if (managers.some((m) => m.set.hasPathOrDescendant(path))) continue;
    removeAt(merged, path, schema);
  }
}
