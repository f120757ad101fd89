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
    memo = new MemoSchema(schema);
    memos.set(schema, memo);
  }
  return memo;
}

class MemoSchema implements PatchSchema {
  readonly patchStrategy?: PatchSchema["patchStrategy"];
  readonly patchMergeKey?: string;
  readonly listType?: PatchSchema["listType"];
  readonly listMapKeys?: readonly string[];
  readonly mapType?: PatchSchema["mapType"];
  // Only fields the schema knows are kept: names clients make up must not grow the map.
  private readonly fields = new Map<string, PatchSchema>();
  private itemsMemo: { schema: PatchSchema | undefined } | undefined;

  constructor(private readonly inner: PatchSchema) {
    if (inner.patchStrategy !== undefined) this.patchStrategy = inner.patchStrategy;
    if (inner.patchMergeKey !== undefined) this.patchMergeKey = inner.patchMergeKey;
    if (inner.listType !== undefined) this.listType = inner.listType;
    if (inner.listMapKeys !== undefined) this.listMapKeys = inner.listMapKeys;
    if (inner.mapType !== undefined) this.mapType = inner.mapType;
  }

  field(name: string): PatchSchema | undefined {
    const known = this.fields.get(name);
    if (known !== undefined) return known;
    const child = this.inner.field(name);
    if (child === undefined) return undefined;
    const memo = new MemoSchema(child);
    this.fields.set(name, memo);
    return memo;
  }

  items(): PatchSchema | undefined {
    if (this.itemsMemo === undefined) {
      const child = this.inner.items();
      this.itemsMemo = { schema: child === undefined ? undefined : new MemoSchema(child) };
    }
    return this.itemsMemo.schema;
  }
}
