// metadata.managedFields: decoding and encoding the entries, comparing two versions of an object,
// and the bookkeeping of ordinary writes (operation Update) that every create/update/patch does.
import type { ManagedFieldsEntry } from "kubernetes-types/meta/v1.js";
import type { PatchSchema } from "../../../api/patchschema.ts";
import { cloneJson, deepEqual, isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import { DuplicateItemError, diffFields } from "./fielddiff.ts";
import { type FieldPathElements, FieldSet, fieldValues, strippedFields } from "./fieldset.ts";

export type { ManagedFieldsEntry };

export interface Manager {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Managers by identity: name and operation, plus apiVersion for Update (BuildManagerIdentifier). */
export type Managers = Map<string, Manager>;

export function managerId(m: Pick<Manager, "manager" | "operation" | "apiVersion" | "subresource">): string {
  return JSON.stringify([
    m.manager,
    m.operation,
    m.operation === "Apply" ? "" : m.apiVersion,
    m.subresource ?? "",
  ]);
}

export function decodeManagedFields(entries: unknown): Managers {
  const managers: Managers = new Map();
  if (!Array.isArray(entries)) return managers;
  for (const entry of entries) {
    if (!isJsonObject(entry) || typeof entry.manager !== "string") continue;
    if (entry.operation !== "Apply" && entry.operation !== "Update") continue;
    const m: Manager = {
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: typeof entry.apiVersion === "string" ? entry.apiVersion : "",
      set: FieldSet.fromFieldsV1(entry.fieldsV1),
    };
    if (typeof entry.subresource === "string" && entry.subresource !== "") m.subresource = entry.subresource;
    if (typeof entry.time === "string") m.time = entry.time;
    managers.set(managerId(m), m);
  }
  return managers;
}

/** Entries sorted as Kubernetes writes them: Apply before Update, then by time, manager, version. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const seconds = (t: string | undefined): number => (t ? Math.floor(Date.parse(t) / 1000) : 0);
  return [...managers.values()]
    .filter((m) => !m.set.isEmpty())
    .sort(
      (a, b) =>
        compareStrings(a.operation, b.operation) ||
        seconds(a.time) - seconds(b.time) ||
        compareStrings(a.manager, b.manager) ||
        compareStrings(a.apiVersion, b.apiVersion) ||
        compareStrings(a.subresource ?? "", b.subresource ?? ""),
    )
    .map((m) => {
      const entry: ManagedFieldsEntry = {
        manager: m.manager,
        operation: m.operation,
        apiVersion: m.apiVersion,
      };
      if (m.time) entry.time = m.time;
      entry.fieldsType = "FieldsV1";
      entry.fieldsV1 = m.set.toFieldsV1();
      if (m.subresource) entry.subresource = m.subresource;
      return entry;
    });
}

/** Byte order, as Go's `<` on strings (localeCompare would also load ICU collation data: 2.6 MB RSS). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** metav1.Time: RFC 3339 in UTC, whole seconds. */
export function metaTime(now: Date): string {
  // toISOString() always ends in `.sssZ`; a slice costs less than a regular expression per write.
  return `${now.toISOString().slice(0, -5)}Z`;
}

/** The manager name Kubernetes derives from a User-Agent: the part before the first `/`. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? "").split("/")[0] ?? "";
  return prefix.slice(0, 128);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Fields added, changed and removed from `before` to `after`, ignoring `ignored` and stripped fields. */
export function compareObjects(
  before: JsonObject,
  after: JsonObject,
  schema: PatchSchema | undefined,
  ignored: readonly FieldPathElements[] = [],
): Comparison {
  const skip = [...strippedFields, ...ignored];
  try {
    const diff = diffFields(before, after, schema, skip);
    return {
      added: FieldSet.fromKeyed(diff.added),
      modified: FieldSet.fromKeyed(diff.modified),
      removed: FieldSet.fromKeyed(diff.removed),
    };
  } catch (err) {
    // Duplicate list items: the set comparison below resolves them as Kubernetes' ToFieldSet does.
    if (!(err instanceof DuplicateItemError)) throw err;
  }
  const old = fieldValues(before, schema);
  const now = fieldValues(after, schema);
  type Keyed = [string, FieldPathElements];
  const added: Keyed[] = [];
  const modified: Keyed[] = [];
  const removed: Keyed[] = [];
  for (const [key, value] of now) {
    const previous = old.get(key);
    if (!previous) added.push([key, value.path]);
    else if ((value.leaf || previous.leaf) && !deepEqual(previous.value, value.value))
      modified.push([key, value.path]);
  }
  for (const [key, value] of old) if (!now.has(key)) removed.push([key, value.path]);
  const set = (entries: Keyed[]): FieldSet => FieldSet.fromKeyed(entries).without(skip);
  return { added: set(added), modified: set(modified), removed: set(removed) };
}

/** A copy of `object` without metadata.managedFields. */
export function withoutManagedFields(object: JsonObject): JsonObject {
  const copy = cloneJson(object);
  if (isJsonObject(copy.metadata)) delete copy.metadata.managedFields;
  return copy;
}

/** `object` without metadata.managedFields, sharing everything else: only for reading. */
function viewWithoutManagedFields(object: JsonObject): JsonObject {
  if (!isJsonObject(object.metadata) || !Object.hasOwn(object.metadata, "managedFields")) return object;
  const { managedFields: _, ...metadata } = object.metadata;
  return { ...object, metadata };
}

/** `object` with `managers` encoded into metadata.managedFields (omitted when there are none). */
export function withManagedFields(object: JsonObject, managers: Managers): JsonObject {
  const entries = encodeManagedFields(managers);
  const metadata: JsonObject = isJsonObject(object.metadata) ? { ...object.metadata } : {};
  if (entries.length > 0) metadata.managedFields = entries as unknown as JsonValue;
  else delete metadata.managedFields;
  return { ...object, metadata };
}

export interface UpdateManagedFieldsOptions {
  /** The stored object, or undefined on create. */
  live: JsonObject | undefined;
  /** The object about to be stored (after patching or as PUT/POSTed). */
  updated: JsonObject;
  /** `fieldManager` of the request, or `managerFromUserAgent(User-Agent)`. */
  manager: string;
  /** The request's group/version (`apps/v1`). */
  apiVersion: string;
  schema: PatchSchema | undefined;
  now: Date;
  /** Fields nobody owns through this endpoint (e.g. `[["f:status"]]` on the main resource). */
  ignoredFields?: readonly FieldPathElements[];
  /** `status` or `scale` when the write came through that subresource (the entry records it). */
  subresource?: string;
}

/**
 * Managed fields after an ordinary write: the writer takes every field it added or changed (from
 * other managers too), removed fields leave every manager, and the writer's time is bumped. A
 * request that sends managedFields `[]` resets them; one that sends none keeps the live ones.
 */
export function updateManagedFields(options: UpdateManagedFieldsOptions): JsonObject {
  const { live, updated, manager, apiVersion } = options;
  const sent = isJsonObject(updated.metadata) ? updated.metadata.managedFields : undefined;
  const liveEntries = isJsonObject(live?.metadata) ? live.metadata.managedFields : undefined;
  const reset = Array.isArray(sent) && (sent.length === 0 || (sent.length === 1 && deepEqual(sent[0], {})));
  let managers = reset ? new Map() : decodeManagedFields(sent);
  if (!reset && managers.size === 0) managers = decodeManagedFields(liveEntries);
  const before = live ? viewWithoutManagedFields(live) : {};
  // A view, not a copy: withManagedFields() below gives the result its own top level and
  // metadata, and `updated` is the caller's to hand over (it is what gets stored).
  const after = viewWithoutManagedFields(updated);
  const { added, modified, removed } = compareObjects(before, after, options.schema, options.ignoredFields);
  const taken = added.union(modified);
  for (const m of managers.values()) m.set = m.set.difference(taken).difference(removed);
  if (!taken.isEmpty()) {
    const { subresource } = options;
    const id = managerId({
      manager,
      operation: "Update",
      apiVersion,
      ...(subresource ? { subresource } : {}),
    });
    const previous = managers.get(id)?.set ?? new FieldSet();
    const writer: Manager = {
      manager,
      operation: "Update",
      apiVersion,
      time: metaTime(options.now),
      set: previous.union(taken),
    };
    if (subresource) writer.subresource = subresource;
    managers.set(id, writer);
  }
  return withManagedFields(after, managers);
}
