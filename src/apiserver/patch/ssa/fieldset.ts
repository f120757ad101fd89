// Field sets of server-side apply: which fields of an object a manager owns, as paths of Kubernetes'
// FieldsV1 elements (`f:name`, `k:{"name":"x"}`, `v:"a"`, `i:0`), their FieldsV1 JSON encoding and
// the walk that lists the fields an object sets (structured-merge-diff's ToFieldSet).
import type { PatchSchema } from "../../../api/patchschema.ts";
import { isJsonObject, type JsonObject, type JsonValue } from "../json.ts";

/** One FieldsV1 path element, e.g. `f:spec` or `k:{"name":"web"}`. */
export type PathElement = string;
export type FieldPathElements = readonly PathElement[];

const keyOf = (path: FieldPathElements): string => JSON.stringify(path);

export class FieldSet {
  // Keyed by keyOf(path). Set operations copy keys instead of re-encoding paths: encoding was
  // most of the managedFields bookkeeping every write does.
  private readonly members = new Map<string, FieldPathElements>();

  constructor(paths: Iterable<FieldPathElements> = []) {
    for (const path of paths) this.insert(path);
  }
  /** A set from entries whose keys are `keyOf(path)`, as fieldValues() makes them. */
  static fromKeyed(entries: Iterable<readonly [string, FieldPathElements]>): FieldSet {
    const set = new FieldSet();
    for (const [key, path] of entries) set.members.set(key, path);
    return set;
  }
  insert(path: FieldPathElements): void {
    this.members.set(keyOf(path), path);
  }
  has(path: FieldPathElements): boolean {
    return this.members.has(keyOf(path));
  }
  get size(): number {
    return this.members.size;
  }
  isEmpty(): boolean {
    return this.members.size === 0;
  }
  paths(): FieldPathElements[] {
    return [...this.members.values()].sort(comparePaths);
  }
  union(other: FieldSet): FieldSet {
    const set = FieldSet.fromKeyed(this.members);
    for (const [key, path] of other.members) set.members.set(key, path);
    return set;
  }
  difference(other: FieldSet): FieldSet {
    if (other.isEmpty()) return FieldSet.fromKeyed(this.members);
    return FieldSet.fromKeyed([...this.members].filter(([key]) => !other.members.has(key)));
  }
  intersection(other: FieldSet): FieldSet {
    return FieldSet.fromKeyed([...this.members].filter(([key]) => other.members.has(key)));
  }
  equals(other: FieldSet): boolean {
    if (this.size !== other.size) return false;
    for (const key of this.members.keys()) if (!other.members.has(key)) return false;
    return true;
  }
  /** Whether `path` or anything below it is a member. */
  hasPathOrDescendant(path: FieldPathElements): boolean {
    for (const member of this.members.values()) {
      if (member.length >= path.length && path.every((e, i) => member[i] === e)) return true;
    }
    return false;
  }
  /** Drops members equal to or below any of `prefixes`. */
  without(prefixes: readonly FieldPathElements[]): FieldSet {
    return FieldSet.fromKeyed(
      [...this.members].filter(
        ([, member]) =>
          !prefixes.some(
            (prefix) => prefix.length <= member.length && prefix.every((e, i) => member[i] === e),
          ),
      ),
    );
  }

  /** FieldsV1 JSON: nested objects keyed by path element; `.` marks a member that has children. */
  toFieldsV1(): JsonObject {
    const root: JsonObject = {};
    const paths = this.paths();
    for (const path of paths) {
      let node = root;
      for (const element of path) {
        const child = node[element];
        if (isJsonObject(child)) {
          node = child;
        } else {
          const created: JsonObject = {};
          node[element] = created;
          node = created;
        }
      }
    }
    // A member with children is marked with `.`; a member without children is an empty object.
    for (const path of paths) {
      let node: JsonObject = root;
      for (const element of path) node = node[element] as JsonObject;
      if (Object.keys(node).length > 0) node["."] = {};
    }
    return root;
  }

  static fromFieldsV1(fields: JsonValue | undefined): FieldSet {
    const set = new FieldSet();
    const walk = (node: JsonValue, prefix: PathElement[]): void => {
      if (!isJsonObject(node)) return;
      for (const [element, child] of Object.entries(node)) {
        if (element === ".") {
          if (prefix.length > 0) set.insert(prefix);
          continue;
        }
        const path = [...prefix, element];
        if (isJsonObject(child) && Object.keys(child).length > 0) walk(child, path);
        else set.insert(path);
      }
    };
    if (fields !== undefined) walk(fields, []);
    return set;
  }
}

function comparePaths(a: FieldPathElements, b: FieldPathElements): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** A path as structured-merge-diff prints it: `.spec.containers[name="web"].image`. */
export function pathString(path: FieldPathElements): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      switch (element.slice(0, 2)) {
        case "f:":
          return `.${body}`;
        case "k:": {
          const key = JSON.parse(body) as JsonObject;
          return `[${Object.entries(key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(",")}]`;
        }
        case "v:":
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join("");
}

/** Known defaults of list-map key fields (container and service ports' `protocol`), as OpenAPI declares. */
const keyFieldDefaults: Record<string, JsonValue> = { protocol: "TCP" };

export type ListKind = "atomic" | "set" | "map";

/** How server-side apply treats a list: list-type markers, else the strategic merge metadata. */
export function listKind(schema: PatchSchema | undefined): { kind: ListKind; keys: readonly string[] } {
  const mergeKey = schema?.patchMergeKey;
  const keys = schema?.listMapKeys ?? (mergeKey ? [mergeKey] : []);
  if (schema?.listType) return { kind: schema.listType, keys };
  const merges = schema?.patchStrategy === "merge" || schema?.patchStrategy === "merge,retainKeys";
  if (!merges) return { kind: "atomic", keys };
  return { kind: mergeKey ? "map" : "set", keys };
}

/** The path element of a list item, or undefined when a list-map item has none of its keys. */
export function itemElement(
  item: JsonValue,
  kind: ListKind,
  keys: readonly string[],
): PathElement | undefined {
  if (kind === "set") return `v:${JSON.stringify(item)}`;
  if (!isJsonObject(item)) return undefined;
  const key: JsonObject = {};
  for (const name of [...keys].sort()) {
    const value = Object.hasOwn(item, name) ? item[name] : keyFieldDefaults[name];
    if (value !== undefined) key[name] = value as JsonValue;
  }
  return Object.keys(key).length > 0 ? `k:${JSON.stringify(key)}` : undefined;
}

export interface FieldValue {
  path: FieldPathElements;
  value: JsonValue;
  /** True for scalars and atomic values, whose changes show at this path rather than below it. */
  leaf: boolean;
}

/**
 * Every field `value` sets: scalars, atomic lists and maps, null or empty maps, and list items
 * (each with its own fields below). The set of an applied configuration (ToFieldSet).
 */
export function fieldValues(value: JsonValue, schema: PatchSchema | undefined): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  const add = (path: PathElement[], v: JsonValue, leaf: boolean): void => {
    out.set(keyOf(path), { path, value: v, leaf });
  };
  const walk = (v: JsonValue, s: PatchSchema | undefined, path: PathElement[]): void => {
    if (Array.isArray(v)) {
      const { kind, keys } = listKind(s);
      if (kind === "atomic") {
        add(path, v, true);
        return;
      }
      v.forEach((item, index) => {
        const itemPath = [...path, itemElement(item, kind, keys) ?? `i:${index}`];
        add(itemPath, item, !isJsonObject(item));
        if (isJsonObject(item)) walkMap(item, s?.items(), itemPath);
      });
      return;
    }
    if (isJsonObject(v)) {
      if (s?.mapType === "atomic" || Object.keys(v).length === 0) add(path, v, true);
      else walkMap(v, s, path);
      return;
    }
    add(path, v, true);
  };
  const walkMap = (map: JsonObject, s: PatchSchema | undefined, path: PathElement[]): void => {
    for (const [key, child] of Object.entries(map)) walk(child, s?.field(key), [...path, `f:${key}`]);
  };
  if (isJsonObject(value)) walkMap(value, schema, []);
  return out;
}

export function fieldSetOf(values: Map<string, FieldValue>): FieldSet {
  return FieldSet.fromKeyed([...values].map(([key, v]) => [key, v.path] as const));
}

/** Fields no manager owns (Kubernetes' stripMetaManager), plus `status` etc. given by the caller. */
export const strippedFields: readonly FieldPathElements[] = [
  ["f:apiVersion"],
  ["f:kind"],
  ["f:metadata", "f:name"],
  ["f:metadata", "f:namespace"],
  ["f:metadata", "f:creationTimestamp"],
  ["f:metadata", "f:selfLink"],
  ["f:metadata", "f:uid"],
  ["f:metadata", "f:clusterName"],
  ["f:metadata", "f:generation"],
  ["f:metadata", "f:managedFields"],
  ["f:metadata", "f:resourceVersion"],
  ["f:metadata", "f:deletionTimestamp"],
  ["f:metadata", "f:deletionGracePeriodSeconds"],
];
