// A DaemonSet's history as ControllerRevisions (what `kubectl rollout history/undo daemonset`
// read): one revision per distinct template, named <ds>-<hash>, whose data is the strategic patch
// that restores that template; the current one carries the highest revision number.
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { AlreadyExistsError, NotFoundError } from "../../api/errors.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import { canonicalJson, computeHash } from "../deployment/hash.ts";
import { newControllerRef } from "../util/controllerref.ts";
import { revisionHashLabel } from "./pods.ts";

export const controllerRevisionsResource = {
  group: "apps",
  version: "v1",
  resource: "controllerrevisions",
  namespaced: true,
  kind: "ControllerRevision",
};

export function revisionData(ds: DaemonSet): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(ds.spec?.template ?? {}), $patch: "replace" } } };
}

function templateOf(rev: ControllerRevision): PodTemplateSpec {
  const data = rev.data as { spec?: { template?: Record<string, unknown> } } | undefined;
  const { $patch: _, ...template } = data?.spec?.template ?? {};
  return template as PodTemplateSpec;
}

export function matchesTemplate(rev: ControllerRevision, ds: DaemonSet): boolean {
  return canonicalJson(templateOf(rev)) === canonicalJson(ds.spec?.template ?? {});
}

export function revisionHash(rev: ControllerRevision): string {
  return rev.metadata?.labels?.[revisionHashLabel] ?? "";
}

export interface History {
  current: ControllerRevision;
  old: ControllerRevision[];
  hash: string;
}

/** Finds or creates the current revision (renumbering it to the top) and returns the rest as old. */
export async function constructHistory(
  client: ResourceClient<ControllerRevision>,
  ds: DaemonSet,
  owned: ControllerRevision[],
): Promise<History> {
  const namespace = ds.metadata?.namespace ?? "";
  const max = owned.reduce((m, r) => Math.max(m, r.revision), 0);
  const matching = owned.filter((r) => matchesTemplate(r, ds)).sort((a, b) => b.revision - a.revision);
  let current = matching[0];
  // Duplicates of the current template (a crash between create and renumber) are removed.
  for (const dup of matching.slice(1)) {
    await client.delete(dup.metadata?.name ?? "", { namespace }).catch((err: unknown) => {
      if (!(err instanceof NotFoundError)) throw err;
    });
  }
  if (current && current.revision < max) {
    current = await client.update({ ...current, revision: max + 1 }, { namespace });
  }
  if (!current) {
    const hash = computeHash(ds.spec?.template, ds.status?.collisionCount);
    const rev: ControllerRevision = {
      metadata: {
        name: `${ds.metadata?.name ?? ""}-${hash}`,
        namespace,
        labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [revisionHashLabel]: hash },
        ...(ds.metadata?.annotations ? { annotations: { ...ds.metadata.annotations } } : {}),
        ownerReferences: [newControllerRef({ ...ds, apiVersion: "apps/v1", kind: "DaemonSet" })],
      },
      data: revisionData(ds),
      revision: max + 1,
    };
    try {
      current = await client.create(rev, { namespace });
    } catch (err) {
      if (!(err instanceof AlreadyExistsError)) throw err;
      const existing = await client.get(rev.metadata?.name ?? "", { namespace });
      const ours = existing.metadata?.ownerReferences?.some((r) => r.uid === ds.metadata?.uid);
      // Same name, other content: a hash collision the caller resolves by bumping collisionCount.
      if (!ours || !matchesTemplate(existing, ds)) throw new HashCollisionError(rev.metadata?.name ?? "");
      current = existing;
    }
  }
  const currentName = current.metadata?.name;
  return {
    current,
    old: owned.filter((r) => r.metadata?.name !== currentName && !matching.includes(r)),
    hash: revisionHash(current),
  };
}

export class HashCollisionError extends Error {
  override name = "HashCollisionError";
}

/** Deletes the oldest old revisions beyond revisionHistoryLimit that no live pod still uses. */
export async function cleanupHistory(
  client: ResourceClient<ControllerRevision>,
  ds: DaemonSet,
  old: ControllerRevision[],
  hashesInUse: Set<string>,
): Promise<void> {
  const limit = ds.spec?.revisionHistoryLimit ?? 10;
  const removable = old
    .filter((r) => !hashesInUse.has(revisionHash(r)))
    .sort((a, b) => a.revision - b.revision);
  const excess = old.length - limit;
  for (const r of removable.slice(0, Math.max(0, excess))) {
    await client
      .delete(r.metadata?.name ?? "", { namespace: ds.metadata?.namespace ?? "" })
      .catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
  }
}
