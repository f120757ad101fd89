// Value operations of server-side apply: merging an applied configuration into the live object
// (structured-merge-diff's Merge), and reading or removing the value at a field path.
import type { PatchSchema } from "../../../api/patchschema.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import { type FieldPathElements, itemElement, type ListKind, listKind } from "./fieldset.ts";

/** `config` merged over `live`: maps by key, list-maps by item keys, sets by value, else replaced. */
export function mergeApplied(
  live: JsonValue | undefined,
  config: JsonValue,
  schema: PatchSchema | undefined,
): JsonValue {
  if (isJsonObject(config) && isJsonObject(live) && schema?.mapType !== "atomic") {
    const out: JsonObject = structuredClone(live);
    for (const [key, value] of Object.entries(config))
      out[key] = mergeApplied(live[key], value, schema?.field(key));
    return out;
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const { kind, keys } = listKind(schema);
    if (kind !== "atomic") return mergeList(live, config, kind, keys, schema?.items());
  }
  return structuredClone(config);
}

/** Live-only items keep their place; configured items come in the configuration's order. */
function mergeList(
  live: JsonValue[],
  config: JsonValue[],
  kind: ListKind,
  keys: readonly string[],
  itemSchema: PatchSchema | undefined,
): JsonValue[] {
  const id = (item: JsonValue): string | undefined => itemElement(item, kind, keys);
  const configIds = config.map(id);
  const liveById = new Map<string, JsonValue>();
  for (const item of live) {
    const key = id(item);
    if (key !== undefined && !liveById.has(key)) liveById.set(key, item);
  }
  const mergeItem = (index: number): JsonValue => {
    const item = config[index] as JsonValue;
    const key = configIds[index];
    const match = key === undefined ? undefined : liveById.get(key);
    return kind === "map" && match !== undefined
      ? mergeApplied(match, item, itemSchema)
      : structuredClone(item);
  };
  const out: JsonValue[] = [];
  let next = 0;
  for (const item of live) {
    const key = id(item);
    const at = key === undefined ? -1 : configIds.indexOf(key);
    if (at < 0) {
      out.push(structuredClone(item));
      continue;
    }
    while (next <= at) out.push(mergeItem(next++));
  }
  while (next < config.length) out.push(mergeItem(next++));
  return out;
}

interface Step {
  container: JsonObject | JsonValue[];
  key: string | number;
}

/** Finds the container and key of `path` in `root`, following item keys with `schema`. */
function locate(root: JsonValue, path: FieldPathElements, schema: PatchSchema | undefined): Step | undefined {
  let current: JsonValue | undefined = root;
  let s = schema;
  let step: Step | undefined;
  for (const element of path) {
    if (element.startsWith("f:")) {
      if (!isJsonObject(current)) return undefined;
      const name = element.slice(2);
      if (!Object.hasOwn(current, name)) return undefined;
      step = { container: current, key: name };
      current = current[name];
      s = s?.field(name);
    } else {
      if (!Array.isArray(current)) return undefined;
      const { kind, keys } = listKind(s);
      const list: JsonValue[] = current;
      const index = element.startsWith("i:")
        ? Number(element.slice(2))
        : list.findIndex((item) => itemElement(item, kind, keys) === element);
      if (index < 0 || index >= list.length) return undefined;
      step = { container: list, key: index };
      current = list[index];
      s = s?.items();
    }
  }
  return step;
}

export function valueAt(
  root: JsonValue,
  path: FieldPathElements,
  schema: PatchSchema | undefined,
): JsonValue | undefined {
  const step = locate(root, path, schema);
  if (!step) return undefined;
  return Array.isArray(step.container)
    ? step.container[step.key as number]
    : step.container[step.key as string];
}

/** Removes the value at `path` from `root` (a private copy), dropping maps the removal empties. */
export function removeAt(root: JsonObject, path: FieldPathElements, schema: PatchSchema | undefined): void {
  const step = locate(root, path, schema);
  if (!step) return;
  if (Array.isArray(step.container)) step.container.splice(step.key as number, 1);
  else delete step.container[step.key as string];
  const parentPath = path.slice(0, -1);
  // Only field maps are dropped when emptied; an emptied list item stays.
  if (parentPath.length === 0 || !parentPath.at(-1)?.startsWith("f:")) return;
  const parent = valueAt(root, parentPath, schema);
  if (isJsonObject(parent) && Object.keys(parent).length === 0) removeAt(root, parentPath, schema);
}
