// One sync of one Deployment: the clients, clock and recorder it acts with, and the ReplicaSet
// writes every strategy shares (scale with annotations and a ScalingReplicaSet event).
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { EventRecorder } from "../../client/events.ts";
import type { ResourceClient } from "../../client/resource-client.ts";
import { maxSurge, replicas, rsReplicas, setReplicasAnnotations } from "./util.ts";

export interface SyncContext {
  deployments: ResourceClient<Deployment>;
  replicaSets: ResourceClient<ReplicaSet>;
  recorder: EventRecorder;
  now: Date;
  /** Pods of the Deployment's ReplicaSets by ReplicaSet uid (Recreate waits for old ones). */
  podsByReplicaSet: Map<string, Pod[]>;
  /** Asks for another sync after this many ms (progress deadline, minReadySeconds). */
  requeueAfter(ms: number): void;
}

const asDeployment = (d: Deployment): Deployment & { apiVersion: string; kind: string } => ({
  ...d,
  apiVersion: "apps/v1",
  kind: "Deployment",
});

/**
 * Scales a ReplicaSet and refreshes its desired/max-replicas annotations; returns the written
 * ReplicaSet (or the same one when nothing changed) and whether the size changed.
 */
export async function scaleReplicaSet(
  ctx: SyncContext,
  rs: ReplicaSet,
  newScale: number,
  d: Deployment,
): Promise<{ rs: ReplicaSet; scaled: boolean }> {
  const old = rsReplicas(rs);
  const copy: ReplicaSet = {
    ...rs,
    metadata: { ...(rs.metadata ?? {}) },
    spec: { ...(rs.spec ?? { selector: {} }) },
  };
  const annotationsChanged = setReplicasAnnotations(copy, replicas(d), replicas(d) + maxSurge(d));
  if (old === newScale && !annotationsChanged) return { rs, scaled: false };
  if (copy.spec) copy.spec.replicas = newScale;
  const updated = await ctx.replicaSets.update(copy, { namespace: rs.metadata?.namespace ?? "" });
  if (old !== newScale) {
    const direction = newScale > old ? "up" : "down";
    ctx.recorder.event(
      asDeployment(d),
      "Normal",
      "ScalingReplicaSet",
      `Scaled ${direction} replica set ${rs.metadata?.name ?? ""} from ${old} to ${newScale}`,
    );
  }
  return { rs: updated, scaled: old !== newScale };
}

export { asDeployment };
