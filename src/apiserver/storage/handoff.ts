// Hands the object a write is storing to the watch cache, so the cache's watch event carries that
// object instead of a JSON.parse of the bytes just written, and the write's response is the very
// object the watchers serialized (its JSON is then reused instead of produced again).
import { groupVersion, type KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { KeyValue } from "../../storage/store.ts";

interface Pending {
  def: ResourceDef;
  obj: KubeObject;
  served?: KubeObject;
}

/**
 * Writes in flight by stored value. Keyed by content: the Store hands the cache the same string
 * (SQLite) or an equal one (etcd), and two writes of equal bytes decode to equal objects anyway.
 */
const pending = new Map<string, Pending>();

/**
 * `obj` as decodeStored() would return it once stored at `modRevision`, for kinds stored as
 * served: a new top level and metadata, the rest shared with `obj`.
 */
export function servedForm(def: ResourceDef, obj: KubeObject, modRevision: number): KubeObject {
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  const result: KubeObject = { ...obj };
  result.apiVersion = groupVersion(def.group, def.version);
  result.kind = def.kind;
  result.metadata = { ...metadata, resourceVersion: String(modRevision) };
  return result;
}

/** Announces that `value`, the encoding of `obj`, is being written. */
export function offer(def: ResourceDef, value: string, obj: KubeObject): void {
  if (!def.conversion) pending.set(value, { def, obj });
}

/** The watch cache's decoding of a put it is told about, when a write of this process offered it. */
export function takeServed(def: ResourceDef, kv: KeyValue): KubeObject | undefined {
  const p = pending.get(kv.value);
  if (!p || p.def !== def) return undefined;
  const rv = String(kv.modRevision);
  if (p.served?.metadata?.resourceVersion === rv) return p.served;
  p.served = servedForm(def, p.obj, kv.modRevision);
  return p.served;
}

/** Ends the offer; returns what the watch cache made of it for `kv`, if it saw it. */
export function withdraw(value: string, kv?: KeyValue): KubeObject | undefined {
  const p = pending.get(value);
  pending.delete(value);
  if (!p?.served || !kv) return undefined;
  return p.served.metadata?.resourceVersion === String(kv.modRevision) ? p.served : undefined;
}
