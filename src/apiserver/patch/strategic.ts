// Strategic merge patch (`application/strategic-merge-patch+json`), Kubernetes' JSON merge patch
// variant: lists merge by key when the field's patch metadata says so, and `$`-directives delete,
// replace, reorder and prune. Semantics follow apimachinery's strategicpatch.StrategicMergeMapPatch.
import { BadRequestError } from "../../api/errors.ts";
import type { PatchSchema } from "../../api/patchschema.ts";
import { PatchNotApplicableError, StrategicMergePatchError } from "./errors.ts";
import { goTypeName, goValue, isJsonObject, type JsonObject, type JsonValue } from "./json.ts";
import { indexOf, normalizeElementOrder, partition, requireMergeKey } from "./strategic-order.ts";

const directiveMarker = "$patch";
const retainKeysDirective = "$retainKeys";
const deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList";
const setElementOrderPrefix = "$setElementOrder";

// mergepatch's sentinel errors; the apiserver maps them to 400 (or 422 for lists of lists).
const badPrimitiveList = "invalid patch format of primitive list";
const badRetainKeys = "invalid patch format of retainKeys";
const badSetElementOrder = "invalid patch format of setElementOrder list";

/**
 * Applies a strategic merge patch to `original`; `schema` describes the kind's fields (without one,
 * maps merge and lists are replaced, as for unknown fields). Inputs are never mutated.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonObject,
  schema: PatchSchema | undefined,
  options: { owned?: boolean } = {},
): JsonObject {
  // `owned`: the caller hands both over (changed and shared by the result), which saves two copies.
  if (options.owned) return mergeMap(original, patch, schema);
  return mergeMap(structuredClone(original), structuredClone(patch), schema);
}

function isMergeStrategy(schema: PatchSchema | undefined): boolean {
  return schema?.patchStrategy === "merge" || schema?.patchStrategy === "merge,retainKeys";
}

function asList(value: JsonValue | undefined): JsonValue[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new StrategicMergePatchError(`expected a []interface {}, but received a ${goTypeName(value)}`);
  }
  return value;
}

/** The field name after `prefix/`, as mergepatch's extractKey. */
function directiveField(key: string, prefix: string, message: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) throw new BadRequestError(message);
  return key.slice(slash + 1);
}

/** Merges `patch` into `original`; both are private copies and may be modified. */
function mergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  schema: PatchSchema | undefined,
): JsonObject {
  if (Object.hasOwn(patch, directiveMarker)) {
    const directive = patch[directiveMarker];
    if (directive === "replace") {
      delete patch[directiveMarker];
      // Kubernetes keeps the patch verbatim; merging it into nothing also drops its nulls and
      // resolves nested directives, which the typed decode would otherwise reject or lose.
      return mergeMap({}, patch, schema);
    }
    if (directive === "delete") return {};
    throw new StrategicMergePatchError(`unknown patch type: ${goValue(directive)} in map: ${goValue(patch)}`);
  }
  const result: JsonObject = original ?? {};
  applyRetainKeys(result, patch);
  applySetElementOrder(result, patch, schema);
  for (const [key, patchValue] of Object.entries(patch)) {
    if (key.startsWith(setElementOrderPrefix)) continue;
    if (key.startsWith(deleteFromPrimitiveListPrefix)) {
      const field = directiveField(key, deleteFromPrimitiveListPrefix, badPrimitiveList);
      const toDelete = asList(patchValue) ?? [];
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((item) => !toDelete.includes(item));
      continue;
    }
    if (patchValue === null) {
      delete result[key];
      continue;
    }
    result[key] = mergeValue(result[key], patchValue, schema?.field(key));
  }
  return result;
}

function mergeValue(
  original: JsonValue | undefined,
  patch: JsonValue,
  schema: PatchSchema | undefined,
): JsonValue {
  if (isJsonObject(patch)) {
    if (schema?.patchStrategy === "replace" || !isJsonObject(original)) return mergeMap({}, patch, schema);
    return mergeMap(original, patch, schema);
  }
  if (Array.isArray(patch)) {
    if (!Array.isArray(original) || !isMergeStrategy(schema)) return fresh(patch, schema);
    return mergeList(original, patch, schema);
  }
  return patch;
}

/** A replaced list: taken as sent, but with nulls and directives in its maps resolved. */
function fresh(list: JsonValue[], schema: PatchSchema | undefined): JsonValue[] {
  if (isMergeStrategy(schema)) return mergeList([], list, schema);
  return list.map((item) => (isJsonObject(item) ? mergeMap({}, item, schema?.items()) : item));
}

function elementKind(lists: readonly JsonValue[][]): "map" | "scalar" | undefined {
  let kind: "map" | "scalar" | undefined;
  for (const list of lists) {
    for (const item of list) {
      if (Array.isArray(item)) throw new PatchNotApplicableError("lists of lists are not supported");
      const itemKind = isJsonObject(item) ? "map" : "scalar";
      if (kind !== undefined && kind !== itemKind) {
        throw new StrategicMergePatchError(`list element types are not identical: ${goValue(lists)}`);
      }
      kind = itemKind;
    }
  }
  return kind;
}

function mergeList(original: JsonValue[], patch: JsonValue[], schema: PatchSchema | undefined): JsonValue[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind([original, patch]);
  if (kind === "scalar") {
    const merged = [...original];
    for (const item of patch) if (!merged.includes(item)) merged.push(item);
    const { named, serverOnly } = partition(merged, patch, undefined);
    return normalizeElementOrder({
      named,
      serverOnly,
      patchOrder: patch,
      serverOrder: original,
      mergeKey: undefined,
    });
  }
  const mergeKey = schema?.patchMergeKey;
  if (!mergeKey) throw new StrategicMergePatchError("cannot merge lists without merge key for type map");
  const itemSchema = schema?.items();
  let server = original;
  const items: JsonObject[] = [];
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, directiveMarker)) {
      items.push(item);
      continue;
    }
    const directive = item[directiveMarker];
    if (directive === "delete") {
      const key = requireMergeKey(item, mergeKey);
      server = server.filter((candidate) => !isJsonObject(candidate) || candidate[mergeKey] !== key);
    } else if (directive === "replace") {
      // `$patch: replace` anywhere in the list: the other patch items become the whole list.
      return patch
        .filter((other) => isJsonObject(other) && !Object.hasOwn(other, directiveMarker))
        .map((other) => mergeMap({}, other as JsonObject, itemSchema));
    } else if (directive === "merge") {
      throw new StrategicMergePatchError("merging lists cannot yet be specified in the patch");
    } else {
      throw new StrategicMergePatchError(
        `unknown patch type: ${goValue(directive)} in map: ${goValue(item)}`,
      );
    }
  }
  const merged = [...server];
  for (const item of items) {
    const key = requireMergeKey(item, mergeKey);
    const at = merged.findIndex((candidate) => isJsonObject(candidate) && candidate[mergeKey] === key);
    if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, itemSchema);
    else merged.push(mergeMap({}, item, itemSchema));
  }
  const { named, serverOnly } = partition(merged, items, mergeKey);
  return normalizeElementOrder({ named, serverOnly, patchOrder: items, serverOrder: server, mergeKey });
}

/** `$retainKeys`: every key of `original` not listed is cleared before the merge. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, retainKeysDirective)) return;
  const retain = patch[retainKeysDirective];
  delete patch[retainKeysDirective];
  if (!Array.isArray(retain)) throw new BadRequestError(badRetainKeys);
  for (const [key, value] of Object.entries(patch)) {
    if (
      value === null ||
      key.startsWith(deleteFromPrimitiveListPrefix) ||
      key.startsWith(setElementOrderPrefix)
    ) {
      continue;
    }
    if (!retain.includes(key)) throw new BadRequestError(badRetainKeys);
  }
  for (const key of Object.keys(original)) if (!retain.includes(key)) delete original[key];
}

/** `$setElementOrder/<field>`: merges that field's list now and puts it in the listed order. */
function applySetElementOrder(
  original: JsonObject,
  patch: JsonObject,
  schema: PatchSchema | undefined,
): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue;
    const order = asList(patch[key]) ?? [];
    delete patch[key];
    const field = directiveField(key, setElementOrderPrefix, badSetElementOrder);
    const fieldSchema = schema?.field(field);
    const mergeKey = fieldSchema?.patchMergeKey;
    const liveValue = original[field];
    const live = liveValue === null ? undefined : asList(liveValue);
    const sent = patch[field] === null ? undefined : asList(patch[field]);
    if (sent) validateAgainstOrder(sent, order, mergeKey);
    if (!live && !sent) continue;
    const merged =
      live && sent ? mergeValue(live, sent, fieldSchema) : sent ? fresh(sent, fieldSchema) : live;
    delete patch[field];
    if (!Array.isArray(merged)) continue;
    if (!mergeKey && merged.some(isJsonObject)) {
      original[field] = merged; // No key to order maps by (field without merge metadata).
      continue;
    }
    const { named, serverOnly } = partition(merged, order, mergeKey);
    original[field] = normalizeElementOrder({
      named,
      serverOnly,
      patchOrder: order,
      serverOrder: live ?? [],
      mergeKey,
    });
  }
}

/** The non-directive patch items must appear in `$setElementOrder` in the same relative order. */
function validateAgainstOrder(sent: JsonValue[], order: JsonValue[], mergeKey: string | undefined): void {
  if (order.length === 0 || sent.length === 0) return;
  const items = mergeKey
    ? sent.filter((item) => !(isJsonObject(item) && Object.hasOwn(item, directiveMarker)))
    : sent;
  let at = 0;
  for (const item of items) {
    if (mergeKey) requireMergeKey(item, mergeKey);
    const found = indexOf(order.slice(at), item, mergeKey);
    if (found < 0) {
      throw new StrategicMergePatchError(
        `The order in patch list:\n${goValue(sent)}\n doesn't match ${setElementOrderPrefix} list:\n${goValue(order)}\n`,
      );
    }
    at += found + 1;
  }
}
