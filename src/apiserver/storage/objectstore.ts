// Objects of one resource in the Store: keys, JSON encoding, resourceVersion = modRevision,
// conversion to and from the stored version, and Store errors mapped to API errors.
import type { GroupResource } from "../../api/errors.ts";
import { groupVersion, type KubeObject } from "../../api/object.ts";
import { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { KeyValue, Store } from "../../storage/store.ts";
import { storeErrorToApi } from "./errors.ts";
import { offer, servedForm, withdraw } from "./handoff.ts";

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
 * What decodeStored() would make of `obj` once stored as `kv`, without re-parsing the JSON just
 * written: the watch cache's object when it saw the write, else `obj` in served form.
 */
function asStored(def: ResourceDef, obj: KubeObject, value: string, kv: KeyValue): KubeObject {
  if (def.conversion) return decodeKv(def, kv);
  return withdraw(value, kv) ?? servedForm(def, obj, kv.modRevision);
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
    const value = encodeForStore(def, obj);
    offer(def, value, obj);
    try {
      const kv = await this.store.create(objectKey(def, obj.metadata?.namespace ?? "", name), value);
      return asStored(def, obj, value, kv);
    } catch (err) {
      withdraw(value);
      throw storeErrorToApi(err, groupResource(def), name);
    }
  }

  /** Writes `obj` if the stored object is still at `expectedRevision`, else 409 Conflict. */
  async update(def: ResourceDef, obj: KubeObject, expectedRevision: number): Promise<KubeObject> {
    const name = obj.metadata?.name ?? "";
    const value = encodeForStore(def, obj);
    offer(def, value, obj);
    try {
      const kv = await this.store.update(
        objectKey(def, obj.metadata?.namespace ?? "", name),
        value,
        expectedRevision,
      );
      return asStored(def, obj, value, kv);
    } catch (err) {
      withdraw(value);
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
