// An informer index of objects by their controller's uid (orphans under `orphan/<namespace>`), so a
// controller's sync looks at its own pods and the adoptable ones instead of every pod in the
// namespace (Kubernetes' controllerUIDIndex).
import type { Indexer } from "../../client/informer/indexer.ts";
import type { ObjectLike } from "../../client/object.ts";
import { getControllerOf } from "./controllerref.ts";

export const controllerUidIndex = "controllerUid";

function byControllerUid(obj: ObjectLike): string[] {
  const ref = getControllerOf(obj);
  return [ref?.uid ? ref.uid : `orphan/${obj.metadata?.namespace ?? ""}`];
}

/** Adds the index to a shared informer's indexer once (several controllers share one). */
export function ensureControllerUidIndex<T extends ObjectLike>(indexer: Indexer<T>): void {
  if (!indexer.hasIndex(controllerUidIndex)) indexer.addIndex(controllerUidIndex, byControllerUid);
}

/** The objects controlled by `uid`. */
export function controlledBy<T extends ObjectLike>(indexer: Indexer<T>, uid: string | undefined): T[] {
  return uid ? indexer.byIndex(controllerUidIndex, uid) : [];
}

/** Claim candidates for an owner: what it controls plus the namespace's orphans. */
export function claimCandidates<T extends ObjectLike>(
  indexer: Indexer<T>,
  namespace: string,
  uid: string | undefined,
): T[] {
  return [...controlledBy(indexer, uid), ...indexer.byIndex(controllerUidIndex, `orphan/${namespace}`)];
}
