// A PatchSchema that remembers its children. The schema module builds a new node on every
// field()/items() call; every write walks the same fields of its kind again (managedFields,
// strategic merge), so the nodes of known fields are kept, once per kind.
import type { PatchSchema } from "../../api/patchschema.ts";

const memos = new WeakMap<PatchSchema, PatchSchema>();

/** `schema` with memoized children (the same object for the same `schema`). */
export function memoizedSchema(schema: PatchSchema | undefined): PatchSchema | undefined {
  if (schema === undefined) return undefined;
  let memo = memos.get(schema);
  if (memo === undefined) {
    memo = memoNode(schema);
    memos.set(schema, memo);
  }
  return memo;
}

/** A node with `inner`'s list and map markers whose field()/items() children are kept. */
function memoNode(inner: PatchSchema): PatchSchema {
  // Only fields the schema knows are kept: names clients make up must not grow the map.
  const fields = new Map<string, PatchSchema>();
  let items: { schema: PatchSchema | undefined } | undefined;
  const node: PatchSchema = {
    field(name) {
      const known = fields.get(name);
      if (known !== undefined) return known;
      const child = inner.field(name);
      if (child === undefined) return undefined;
      const memo = memoNode(child);
      fields.set(name, memo);
      return memo;
    },
    items() {
      if (items === undefined) {
        const child = inner.items();
        items = { schema: child === undefined ? undefined : memoNode(child) };
      }
      return items.schema;
    },
  };
  if (inner.patchStrategy !== undefined) node.patchStrategy = inner.patchStrategy;
  if (inner.patchMergeKey !== undefined) node.patchMergeKey = inner.patchMergeKey;
  if (inner.listType !== undefined) node.listType = inner.listType;
  if (inner.listMapKeys !== undefined) node.listMapKeys = inner.listMapKeys;
  if (inner.mapType !== undefined) node.mapType = inner.mapType;
  return node;
}
