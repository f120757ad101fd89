// Objects of one resource in the Store: keys, JSON encoding, resourceVersion = modRevision,
// conversion to and from the stored version, and Store errors mapped to API errors.
import type { GroupResource } from "../../api/errors.ts";
import { groupVersion, type KubeObject } from "../../api/object.ts";
import { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { KeyValue, Store } from "../../storage/store.ts";
import { storeErrorToApi } from "./errors.ts";

export function groupResource(def: ResourceDef): GroupResource {
  return { group: def.group, resource: def.resource };
}

/** The Store prefix holding a resource's objects, optionally only one namespace's. */
export function keyPrefix(def: ResourceDef, namespace?: string): string {
  const base = Registry.storagePrefix(def);
  return def.namespaced && namespace ? `${base}/${namespace}/` : `${base}/`;
}

export function objectKey(def: ResourceDef, namespace: string, name: string): string {
  const base = Registry.storagePrefix(def);
  return def.namespaced ? `${base}/${namespace}/${name}` : `${base}/${name}`;
}

/** Decodes a stored value into the served version with resourceVersion set. */
export function decodeStored(def: ResourceDef, value: string, modRevision: number): KubeObject {
  let obj = JSON.parse(value) as KubeObject;
  if (def.conversion) obj = def.conversion.fromStorage(obj);
  obj.apiVersion = groupVersion(def.group, def.version);
  obj.kind = def.kind;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(modRevision) };
  return obj;
}

export function decodeKv(def: ResourceDef, kv: KeyValue): KubeObject {
  return decodeStored(def, kv.value, kv.modRevision);
}

/** resourceVersion is never stored: it is the key's modRevision. */
export function encodeForStore(def: ResourceDef, obj: KubeObject): string {
  const stored = def.conversion ? def.conversion.toStorage(obj) : obj;
  const { resourceVersion: _rv, ...metadata } = stored.metadata ?? {};
  return JSON.stringify({ ...stored, metadata });
}

/**
 * What decodeStored() would make of `obj` once stored at `modRevision`, without re-parsing the
 * JSON just written: for kinds stored as served, `obj` itself with type meta and resourceVersion
 * (a new top level and metadata; the rest is shared with `obj`, which the writer hands over).
 */
function asStored(def: ResourceDef, obj: KubeObject, kv: KeyValue): KubeObject {
  if (def.conversion) return decodeKv(def, kv);
  const { resourceVersion: _rv, ...metadata } = obj.metadata ?? {};
  const result: KubeObject = { ...obj };
  result.apiVersion = groupVersion(def.group, def.version);
  result.kind = def.kind;
  result.metadata = { ...metadata, resourceVersion: String(kv.modRevision) };
  return result;
}

export class ObjectStore {
  constructor(readonly store: Store) {}

  async get(def: ResourceDef, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      const kv = await this.store.get(objectKey(def, namespace, name));
      return kv ? decodeKv(def, kv) : undefined;
    } catch (err) {
      throw storeErrorToApi(err, groupResource(def), name);
    }
  }

  async create(def: ResourceDef, obj: KubeObject): Promise<KubeObject> {
    const name = obj.metadata?.name ?? "";
    try {
      const kv = await this.store.create(
        objectKey(def, obj.metadata?.namespace ?? "", name),
        encodeForStore(def, obj),
      );
      return asStored(def, obj, kv);
    } catch (err) {
      throw storeErrorToApi(err, groupResource(def), name);
    }
  }

  /** Writes `obj` if the stored object is still at `expectedRevision`, else 409 Conflict. */
  async update(def: ResourceDef, obj: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const name = obj.metadata?.name ?? "";
    try {
      const kv = await this.store.update(
        objectKey(def, obj.metadata?.namespace ?? "", name),
        encodeForStore(def, obj),
        expectedRevision,
      );
      return asStored(def, obj, kv);
    } catch (err) {
      throw storeErrorToApi(err, groupResource(def), name);
    }
  }

  /** Deletes at `expectedRevision`; returns the last state with the deletion's resourceVersion. */
  async delete(
    def: ResourceDef,
    namespace: string,
    name: string,
    expectedRevision?: number,
  ): Promise<KubeObject> {
    try {
      const result = await this.store.delete(objectKey(def, namespace, name), expectedRevision);
      return decodeStored(def, result.prevKv.value, result.revision);
    } catch (err) {
      throw storeErrorToApi(err, groupResource(def), name);
    }
  }
}
