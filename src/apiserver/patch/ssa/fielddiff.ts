// The comparison behind every write's managedFields: the fields an object added, changed and
// removed, found by walking the old and the new object side by side. It yields what comparing
// the fieldValues() of both would, but lists and encodes only the fields that differ.
import type { PatchSchema } from "../../../api/patchschema.ts";
import { deepEqual, isJsonObject, type JsonObject, type JsonValue } from "../json.ts";
import {
  type FieldPathElements,
  itemElement,
  type ListKind,
  listKind,
  type PathElement,
} from "./fieldset.ts";

export type KeyedPath = readonly [string, FieldPathElements];

export interface KeyedComparison {
  added: KeyedPath[];
  modified: KeyedPath[];
  removed: KeyedPath[];
}

/** A list holds two items with one path element: fieldValues() keeps the last, so the caller falls back to it. */
export class DuplicateItemError extends Error {}

/** Prefixes whose fields are left out of the comparison, as a trie of path elements. */
interface Prune {
  end: boolean;
  next: Map<PathElement, Prune>;
}

function pruneTrie(prefixes: readonly FieldPathElements[]): Prune {
  const root: Prune = { end: false, next: new Map() };
  for (const prefix of prefixes) {
    let node = root;
    for (const element of prefix) {
      let child = node.next.get(element);
      if (child === undefined) {
        child = { end: false, next: new Map() };
        node.next.set(element, child);
      }
      node = child;
    }
    node.end = true;
  }
  return root;
}

const absent: unique symbol = Symbol("absent");
type Slot = JsonValue | typeof absent;

/** `value` walks a field's value; `item` walks a list item (which is a field of its own). */
type Mode = "value" | "item";

class Walker {
  readonly out: KeyedComparison = { added: [], modified: [], removed: [] };
  private readonly path: PathElement[] = [];

  private emit(into: KeyedPath[]): void {
    const path = this.path.slice();
    into.push([JSON.stringify(path), path]);
  }

  /** Whether fieldValues() lists the field itself (not only its children), and as a leaf. */
  private entry(v: Slot, s: PatchSchema | undefined, mode: Mode): "none" | "leaf" | "node" {
    if (v === absent) return "none";
    if (mode === "item") return isJsonObject(v) ? "node" : "leaf";
    if (Array.isArray(v)) return listKind(s).kind === "atomic" ? "leaf" : "none";
    if (isJsonObject(v)) {
      return s?.mapType === "atomic" || Object.keys(v).length === 0 ? "leaf" : "none";
    }
    return "leaf";
  }

  diff(a: Slot, b: Slot, s: PatchSchema | undefined, mode: Mode, prune: Prune | undefined): void {
    if (prune?.end) return;
    if (a === b && a !== absent && (typeof a !== "object" || a === null)) {
      // Equal scalars: an entry on both sides, unchanged, nothing below.
      return;
    }
    const ea = this.entry(a, s, mode);
    const eb = this.entry(b, s, mode);
    if (ea !== "none" && eb !== "none") {
      if ((ea === "leaf" || eb === "leaf") && !deepEqual(a, b)) this.emit(this.out.modified);
    } else if (eb !== "none") this.emit(this.out.added);
    else if (ea !== "none") this.emit(this.out.removed);
    this.children(a, ea, b, eb, s, mode, prune);
  }

  private children(
    a: Slot,
    ea: string,
    b: Slot,
    eb: string,
    s: PatchSchema | undefined,
    mode: Mode,
    prune: Prune | undefined,
  ): void {
    // Children exist below a non-atomic list, a non-empty granular map, and an object list item.
    const ma = isJsonObject(a) && (mode === "item" || ea === "none") ? a : undefined;
    const mb = isJsonObject(b) && (mode === "item" || eb === "none") ? b : undefined;
    if (ma || mb) this.mapChildren(ma, mb, s, prune);
    if (mode === "item") return;
    const la = Array.isArray(a) && ea === "none" ? a : undefined;
    const lb = Array.isArray(b) && eb === "none" ? b : undefined;
    if (la || lb) this.listChildren(la, lb, s, prune);
  }

  private descend(
    element: PathElement,
    a: Slot,
    b: Slot,
    s: PatchSchema | undefined,
    mode: Mode,
    prune: Prune | undefined,
  ): void {
    this.path.push(element);
    this.diff(a, b, s, mode, prune?.next.get(element));
    this.path.pop();
  }

  private mapChildren(
    a: JsonObject | undefined,
    b: JsonObject | undefined,
    s: PatchSchema | undefined,
    prune: Prune | undefined,
  ): void {
    if (b) {
      for (const key of Object.keys(b)) {
        const va: Slot = a && Object.hasOwn(a, key) ? (a[key] as JsonValue) : absent;
        this.descend(`f:${key}`, va, b[key] as JsonValue, s?.field(key), "value", prune);
      }
    }
    if (a) {
      for (const key of Object.keys(a)) {
        if (b && Object.hasOwn(b, key)) continue;
        this.descend(`f:${key}`, a[key] as JsonValue, absent, s?.field(key), "value", prune);
      }
    }
  }

  private listChildren(
    a: JsonValue[] | undefined,
    b: JsonValue[] | undefined,
    s: PatchSchema | undefined,
    prune: Prune | undefined,
  ): void {
    const { kind, keys } = listKind(s);
    const itemSchema = s?.items();
    const ia = itemsByElement(a, kind, keys);
    const ib = itemsByElement(b, kind, keys);
    for (const [element, item] of ib) {
      const va: Slot = ia.has(element) ? (ia.get(element) as JsonValue) : absent;
      this.descend(element, va, item, itemSchema, "item", prune);
    }
    for (const [element, item] of ia) {
      if (!ib.has(element)) this.descend(element, item, absent, itemSchema, "item", prune);
    }
  }
}

function itemsByElement(
  list: JsonValue[] | undefined,
  kind: ListKind,
  keys: readonly string[],
): Map<PathElement, JsonValue> {
  const items = new Map<PathElement, JsonValue>();
  if (list === undefined) return items;
  for (let index = 0; index < list.length; index++) {
    const item = list[index] as JsonValue;
    const element = itemElement(item, kind, keys) ?? `i:${index}`;
    if (items.has(element)) throw new DuplicateItemError(element);
    items.set(element, item);
  }
  return items;
}

/**
 * Fields added, modified (a leaf whose value changed) and removed from `before` to `after`,
 * leaving out `skip` prefixes and everything below them. Throws DuplicateItemError when a list
 * holds two items with the same path element.
 */
export function diffFields(
  before: JsonObject,
  after: JsonObject,
  schema: PatchSchema | undefined,
  skip: readonly FieldPathElements[],
): KeyedComparison {
  const walker = new Walker();
  const prune = pruneTrie(skip);
  walker.diff(before, after, schema, "item", prune);
  return walker.out;
}
