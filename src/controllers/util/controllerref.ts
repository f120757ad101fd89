// Controller references (ownerReferences with controller=true) and the claim step every workload
// controller runs: keep what it controls and still selects, adopt matching orphans, release the
// rest (Kubernetes' ControllerRefManager). Writes are JSON patches guarded by uid and
// resourceVersion tests so a stale cache never overwrites a concurrent change.
import type { OwnerReference } from "kubernetes-types/meta/v1.js";
import type { ObjectLike } from "../../client/object.ts";
import type { ResourceClient } from "../../client/resource-client.ts";

export interface OwnerIdentity {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; uid?: string; deletionTimestamp?: string };
}

export function getControllerOf(obj: ObjectLike): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

export function isControlledBy(obj: ObjectLike, owner: { metadata?: { uid?: string } }): boolean {
  const ref = getControllerOf(obj);
  return ref !== undefined && ref.uid === owner.metadata?.uid;
}

export function newControllerRef(owner: OwnerIdentity): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata?.name ?? "",
    uid: owner.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

function guarded(obj: ObjectLike, refs: OwnerReference[]): unknown[] {
  return [
    { op: "test", path: "/metadata/uid", value: obj.metadata?.uid ?? "" },
    { op: "test", path: "/metadata/resourceVersion", value: obj.metadata?.resourceVersion ?? "" },
    { op: "add", path: "/metadata/ownerReferences", value: refs },
  ];
}

/** Adds the owner as controller of `obj`; returns the patched object. */
export function adopt<T extends ObjectLike>(
  client: ResourceClient<T>,
  owner: OwnerIdentity,
  obj: T,
): Promise<T> {
  const refs = [...(obj.metadata?.ownerReferences ?? []), newControllerRef(owner)];
  return client.patch(obj.metadata?.name ?? "", guarded(obj, refs), {
    type: "json",
    namespace: obj.metadata?.namespace ?? "",
  });
}

/** Removes the owner's reference from `obj`. */
export function release<T extends ObjectLike>(
  client: ResourceClient<T>,
  owner: OwnerIdentity,
  obj: T,
): Promise<T> {
  const refs = (obj.metadata?.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata?.uid);
  return client.patch(obj.metadata?.name ?? "", guarded(obj, refs), {
    type: "json",
    namespace: obj.metadata?.namespace ?? "",
  });
}

export interface ClaimOptions<T extends ObjectLike> {
  owner: OwnerIdentity;
  client: ResourceClient<T>;
  /** Whether the owner's selector selects the object. */
  matches(obj: T): boolean;
  candidates: T[];
  /**
   * Confirms the owner still exists (same uid) and is not being deleted before adopting,
   * from a fresh read rather than the cache (Kubernetes' RecheckDeletionTimestamp).
   */
  canAdopt(): Promise<boolean>;
  onError?: (err: unknown, obj: T) => void;
}

/** The objects the owner controls after adopting and releasing; failed writes are left out. */
export async function claimObjects<T extends ObjectLike>(o: ClaimOptions<T>): Promise<T[]> {
  const claimed: T[] = [];
  let adoptable: boolean | undefined;
  const ownerDeleting = o.owner.metadata?.deletionTimestamp !== undefined;
  const failures: unknown[] = [];
  for (const obj of o.candidates) {
    const ref = getControllerOf(obj);
    // Another controller's object is never ours: skip it before matching the selector.
    if (ref && ref.uid !== o.owner.metadata?.uid) continue;
    const matches = o.matches(obj);
    try {
      if (ref) {
        if (matches) claimed.push(obj);
        else if (!ownerDeleting && obj.metadata?.deletionTimestamp === undefined)
          await release(o.client, o.owner, obj);
        continue;
      }
      if (!matches || ownerDeleting || obj.metadata?.deletionTimestamp !== undefined) continue;
      adoptable ??= await o.canAdopt();
      if (!adoptable) continue;
      claimed.push(await adopt(o.client, o.owner, obj));
    } catch (err) {
      o.onError?.(err, obj);
      failures.push(err);
    }
  }
  if (failures.length > 0) throw failures[0];
  return claimed;
}
