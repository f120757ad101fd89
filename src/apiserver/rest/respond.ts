// Writing objects and lists (JSON or Table), with kind/apiVersion always set and lists streamed
// item by item instead of built as one string.
import { groupVersion, type KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { wantsMetadata, wantsTable } from "../http/negotiate.ts";
import { jsonType, writeJson, writeJsonText } from "../http/respond.ts";
import type { RestContext } from "./context.ts";
import type { EncodedItem } from "./source.ts";
import { parseIncludeObject, tableHead, tableRow, toTable } from "./table.ts";

export function withTypeMeta(def: ResourceDef, obj: KubeObject): KubeObject {
  const apiVersion = groupVersion(def.group, def.version);
  // Objects shared by the watch cache already carry them; writing only on change keeps them read-only.
  if (obj.apiVersion !== apiVersion) obj.apiVersion = apiVersion;
  if (obj.kind !== def.kind) obj.kind = def.kind;
  return obj;
}

/**
 * JSON of list items, remembered per object: the watch cache hands out the same read-only object
 * until it changes, so repeated LISTs serialize only what changed.
 */
const itemJson = new WeakMap<object, string>();

export function jsonOf(item: unknown): string {
  if (typeof item !== "object" || item === null) return JSON.stringify(item);
  let json = itemJson.get(item);
  if (json === undefined) {
    json = JSON.stringify(item);
    itemJson.set(item, json);
  }
  return json;
}

/** The JSON jsonOf() already made for `item`, if any. */
export function cachedJson(item: object): string | undefined {
  return itemJson.get(item);
}

/** An object's metadata alone, as PartialObjectMetadata (lists and watches of metadata clients). */
export function partialMetadata(obj: KubeObject): KubeObject {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata ?? {} };
}

export function respondObject(ctx: RestContext, status: number, obj: KubeObject): void {
  withTypeMeta(ctx.def, obj);
  if (wantsMetadata(ctx.req)) {
    writeJson(ctx.res, status, partialMetadata(obj));
    return;
  }
  if (wantsTable(ctx.req)) {
    const include = parseIncludeObject(ctx.query);
    const rv = obj.metadata?.resourceVersion;
    writeJson(
      ctx.res,
      status,
      toTable(ctx.def, [obj], { include, now: ctx.deps.now(), ...(rv ? { resourceVersion: rv } : {}) }),
    );
    return;
  }
  // An object the watch cache's watchers just sent (a write's result) is serialized already.
  writeJsonText(ctx.res, status, cachedJson(obj) ?? JSON.stringify(obj));
}

const flushBytes = 64 * 1024;

/** Streams `{...head, [field]: [items...]}` writing in chunks of about 64 KiB. */
function streamArray<T>(
  ctx: RestContext,
  head: Record<string, unknown>,
  field: string,
  items: readonly T[],
  serialize: (item: T) => string,
): void {
  ctx.res.writeHead(200, { "Content-Type": jsonType });
  const open = JSON.stringify(head);
  let buf = `${open.slice(0, -1)}${open.length > 2 ? "," : ""}${JSON.stringify(field)}:[`;
  items.forEach((item, i) => {
    buf += (i > 0 ? "," : "") + serialize(item);
    if (buf.length >= flushBytes) {
      ctx.res.write(buf);
      buf = "";
    }
  });
  ctx.res.end(`${buf}]}`);
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** A JSON list of items already in served form: their JSON goes out as it is. */
export function respondEncodedList(ctx: RestContext, items: EncodedItem[], listMeta: ListMeta): void {
  const def = ctx.def;
  streamArray(
    ctx,
    {
      kind: def.listKind ?? `${def.kind}List`,
      apiVersion: groupVersion(def.group, def.version),
      metadata: { ...listMeta },
    },
    "items",
    items,
    (item) => (item as EncodedItem).json,
  );
}

export function respondList(ctx: RestContext, items: KubeObject[], listMeta: ListMeta): void {
  respondListOf(ctx, items, (o) => o, listMeta);
}

/**
 * respondList of items decoded one at a time as they are written: a Table of 10,000 pods then
 * holds one decoded pod at a time instead of all of them (which the GC would have to promote).
 */
export function respondListOf<T>(
  ctx: RestContext,
  items: readonly T[],
  decode: (item: T) => KubeObject,
  listMeta: ListMeta,
): void {
  const def = ctx.def;
  const object = (item: T) => withTypeMeta(def, decode(item));
  const metadata: Record<string, unknown> = { ...listMeta };
  if (wantsTable(ctx.req)) {
    const include = parseIncludeObject(ctx.query);
    const now = ctx.deps.now();
    streamArray(ctx, tableHead(def, metadata), "rows", items, (item) =>
      JSON.stringify(tableRow(def, object(item), include, now)),
    );
    return;
  }
  if (wantsMetadata(ctx.req)) {
    streamArray(
      ctx,
      { kind: "PartialObjectMetadataList", apiVersion: "meta.k8s.io/v1", metadata },
      "items",
      items,
      (item) => JSON.stringify(partialMetadata(object(item))),
    );
    return;
  }
  streamArray(
    ctx,
    { kind: def.listKind ?? `${def.kind}List`, apiVersion: groupVersion(def.group, def.version), metadata },
    "items",
    items,
    (item) => jsonOf(object(item)),
  );
}
