// Which PersistentVolume a claim binds to (Kubernetes' findBestMatchForClaim): same class, the
// claim's access modes and volume mode, capacity at least the request, labels matching the
// claim's selector, not bound elsewhere; volumes pre-bound to the claim win, then the smallest.
import type { PersistentVolume, PersistentVolumeClaim } from "kubernetes-types/core/v1.js";
import { compareQuantities } from "../../api/quantity.ts";
import { selectorOf } from "../util/selector.ts";

export function claimClass(pvc: PersistentVolumeClaim): string {
  return pvc.spec?.storageClassName ?? "";
}

/** A volume whose claimRef names this claim (by uid when the reference has one). */
export function preBoundTo(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  return (
    ref.name === pvc.metadata?.name &&
    (ref.namespace ?? "") === (pvc.metadata?.namespace ?? "") &&
    (!ref.uid || ref.uid === pvc.metadata?.uid)
  );
}

function fits(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  if ((pv.spec?.storageClassName ?? "") !== claimClass(pvc)) return false;
  if ((pv.spec?.volumeMode ?? "Filesystem") !== (pvc.spec?.volumeMode ?? "Filesystem")) return false;
  const modes = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m) => modes.includes(m))) return false;
  const request = pvc.spec?.resources?.requests?.storage;
  const capacity = pv.spec?.capacity?.storage;
  if (request !== undefined && (capacity === undefined || compareQuantities(capacity, request) < 0))
    return false;
  const sel = pvc.spec?.selector;
  const constrained =
    sel && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0);
  if (constrained && !selectorOf(sel).matches(pv.metadata?.labels)) return false;
  return true;
}

export function findBestMatch(
  pvc: PersistentVolumeClaim,
  volumes: readonly PersistentVolume[],
): PersistentVolume | undefined {
  const candidates = volumes.filter(
    (pv) =>
      pv.metadata?.deletionTimestamp === undefined &&
      (pv.status?.phase ?? "Available") !== "Released" &&
      (pv.status?.phase ?? "Available") !== "Failed" &&
      (!pv.spec?.claimRef || preBoundTo(pv, pvc)) &&
      fits(pv, pvc),
  );
  const pre = candidates.find((pv) => preBoundTo(pv, pvc));
  if (pre) return pre;
  return candidates.sort((a, b) =>
    compareQuantities(a.spec?.capacity?.storage ?? "0", b.spec?.capacity?.storage ?? "0"),
  )[0];
}
