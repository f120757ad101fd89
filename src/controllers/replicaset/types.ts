// What the ReplicaSet and ReplicationController controllers share: one shape for both kinds
// (they differ only in apiVersion/kind and how the selector is written) and how to read it.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { LabelSelector } from "../../api/selector/label.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import { selectorOf } from "../util/selector.ts";

export interface ReplicaCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

/** A ReplicaSet or a ReplicationController. */
export interface ReplicaOwner {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: unknown;
    template?: PodTemplateSpec;
  };
  status?: ReplicaStatus;
}

export interface ReplicaKind {
  /** Controller name and events' source component. */
  name: string;
  resource: ResourceCoords;
  apiVersion: string;
  kind: string;
  selector(owner: ReplicaOwner): LabelSelector;
}

export const replicaSetKind: ReplicaKind = {
  name: "replicaset-controller",
  resource: { group: "apps", version: "v1", resource: "replicasets", namespaced: true, kind: "ReplicaSet" },
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  selector: (o) => selectorOf(o.spec?.selector),
};

export const replicationControllerKind: ReplicaKind = {
  name: "replicationcontroller-controller",
  resource: {
    group: "",
    version: "v1",
    resource: "replicationcontrollers",
    namespaced: true,
    kind: "ReplicationController",
  },
  apiVersion: "v1",
  kind: "ReplicationController",
  // An RC's selector is a plain map (defaulted from the template's labels by the API).
  selector: (o) => selectorOf({ matchLabels: o.spec?.selector as Record<string, string> | undefined }),
};
