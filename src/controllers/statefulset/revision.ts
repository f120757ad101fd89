// ControllerRevisions of a StatefulSet: the revision's data is the strategic-merge patch that
// restores its pod template (what `kubectl rollout undo` applies), named `<set>-<hash>`.
import type { ControllerRevision, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { canonicalJson, computeHash } from "../deployment/hash.ts";
import { newControllerRef } from "../util/controllerref.ts";

export interface RevisionData {
  spec: { template: PodTemplateSpec & { $patch: "replace" } };
}

export function revisionData(set: StatefulSet): RevisionData {
  return { spec: { template: { ...(set.spec?.template ?? {}), $patch: "replace" } } };
}

export function templateOf(revision: ControllerRevision): PodTemplateSpec | undefined {
  const data = revision.data as Partial<RevisionData> | undefined;
  if (!data?.spec?.template) return undefined;
  const { $patch: _, ...template } = data.spec.template;
  return template;
}

/** Same template content (key order and nulls aside). */
export function sameTemplate(revision: ControllerRevision, set: StatefulSet): boolean {
  return canonicalJson(templateOf(revision)) === canonicalJson(set.spec?.template);
}

export function newRevision(set: StatefulSet, number: number, collisionCount: number): ControllerRevision {
  const name = `${set.metadata?.name ?? ""}-${computeHash(set.spec?.template, collisionCount || undefined)}`;
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name,
      namespace: set.metadata?.namespace ?? "",
      labels: {
        ...(set.spec?.selector?.matchLabels ?? {}),
        "controller.kubernetes.io/hash": name.slice(name.lastIndexOf("-") + 1),
      },
      ownerReferences: [newControllerRef({ ...set, apiVersion: "apps/v1", kind: "StatefulSet" })],
    },
    data: revisionData(set),
    revision: number,
  };
}

/** The set as it was at `revision` (its template replaced). */
export function setAtRevision(set: StatefulSet, revision: ControllerRevision | undefined): StatefulSet {
  const template = revision ? templateOf(revision) : undefined;
  return template
    ? { ...set, spec: { ...(set.spec ?? { selector: {}, template: {} }), template } as StatefulSet["spec"] }
    : set;
}
