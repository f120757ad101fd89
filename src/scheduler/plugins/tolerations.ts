// Toleration matching (v1 Toleration.ToleratesTaint).
import type { Taint, Toleration } from "kubernetes-types/core/v1.js";

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== "Exists") return false;
  if (t.operator === "Exists") return true;
  return (t.value ?? "") === (taint.value ?? "");
}

export function toleratedBy(taint: Taint, tolerations: readonly Toleration[]): boolean {
  return tolerations.some((t) => tolerates(t, taint));
}
