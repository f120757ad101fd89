// The garbage collector's writes and live reads: GET by name checked against the uid, deletion
// with a uid precondition, and metadata changes (ownerReferences, finalizers) as merge patches
// guarded by uid and resourceVersion, re-read and retried on conflict.
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { ObjectLike } from "../../client/object.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { RestClient } from "../../client/rest.ts";

export type Policy = "Orphan" | "Background" | "Foreground";

export interface ObjectCoords {
  resource: ResourceCoords;
  namespace: string;
  name: string;
  uid: string;
}

const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;
const isConflict = (err: unknown): boolean => err instanceof ApiError && err.code === 409;

export class GcActions {
  constructor(private readonly client: RestClient) {}

  private ns(o: { resource: ResourceCoords; namespace: string }): { namespace?: string } {
    return o.resource.namespaced && o.namespace ? { namespace: o.namespace } : {};
  }

  /** The live object by name, or undefined when absent (another uid counts as absent if `uid` is given). */
  async get(o: Omit<ObjectCoords, "uid"> & { uid?: string }): Promise<ObjectLike | undefined> {
    try {
      const obj = await this.client.resource(o.resource).get(o.name, this.ns(o));
      if (o.uid !== undefined && obj.metadata?.uid !== o.uid) return undefined;
      return obj;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** DELETE with a uid precondition; already gone (or replaced by another uid) is fine. */
  async delete(o: ObjectCoords, policy: Policy): Promise<void> {
    try {
      await this.client.resource(o.resource).delete(o.name, {
        ...this.ns(o),
        propagationPolicy: policy,
        preconditions: { uid: o.uid },
      });
    } catch (err) {
      if (isNotFound(err) || isConflict(err)) return;
      throw err;
    }
  }

  /**
   * Applies `change` to the live object's metadata and writes it when it differs. `change` returns
   * undefined for "nothing to do". Returns false when the object is gone.
   */
  async updateMetadata(
    o: ObjectCoords,
    change: (obj: ObjectLike) => Record<string, unknown> | undefined,
  ): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const live = await this.get(o);
      if (!live) return false;
      const fields = change(live);
      if (!fields) return true;
      const patch = { metadata: { uid: o.uid, resourceVersion: live.metadata?.resourceVersion, ...fields } };
      try {
        await this.client.resource(o.resource).patch(o.name, patch, { ...this.ns(o), type: "merge" });
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        if (!isConflict(err) || attempt >= 4) throw err;
      }
    }
  }

  /** Removes the references to these owner uids from the object. */
  removeOwnerReferences(o: ObjectCoords, ownerUids: ReadonlySet<string>): Promise<boolean> {
    return this.updateMetadata(o, (live) => {
      const refs = live.metadata?.ownerReferences ?? [];
      const kept = refs.filter((r) => !ownerUids.has(r.uid));
      if (kept.length === refs.length) return undefined;
      // An emptied list is removed, as Kubernetes (omitempty) would store it.
      return { ownerReferences: kept.length > 0 ? kept : null };
    });
  }

  /** Sets blockOwnerDeletion=false on the references to these owners (breaks foreground cycles). */
  unblockOwnerReferences(o: ObjectCoords, ownerUids: ReadonlySet<string>): Promise<boolean> {
    return this.updateMetadata(o, (live) => {
      const refs = live.metadata?.ownerReferences ?? [];
      if (!refs.some((r) => ownerUids.has(r.uid) && r.blockOwnerDeletion)) return undefined;
      const next: OwnerReference[] = refs.map((r) =>
        ownerUids.has(r.uid) && r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r,
      );
      return { ownerReferences: next };
    });
  }

  removeFinalizer(o: ObjectCoords, finalizer: string): Promise<boolean> {
    return this.updateMetadata(o, (live) => {
      const finalizers = live.metadata?.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return undefined;
      const kept = finalizers.filter((f) => f !== finalizer);
      return { finalizers: kept.length > 0 ? kept : null };
    });
  }
}
