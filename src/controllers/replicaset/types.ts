// What the ReplicaSet and ReplicationController controllers share: one shape for both kinds
// (they differ only in apiVersion/kind and how the selector is written) and how to read it.
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import { type LabelSelector, labelSelectorToString, parseLabelSelector } from "../../api/selector/label.ts";
import type { ResourceCoords } from "../../client/paths.ts";

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

/** A selector that matches nothing, for owners with an empty or unparsable selector. */
const nothing: LabelSelector = { requirements: [], empty: false, matches: () => false };

function fromLabelSelector(sel: unknown): LabelSelector {
  if (typeof sel !== "object" || sel === null) return nothing;
  const text = labelSelectorToString(sel as Parameters<typeof labelSelectorToString>[0]);
  if (text === "") return nothing;
  try {
    return parseLabelSelector(text);
  } catch {
    return nothing;
  }
}

export const replicaSetKind: ReplicaKind = {
  name: "replicaset-controller",
  resource: { group: "apps", version: "v1", resource: "replicasets", namespaced: true, kind: "ReplicaSet" },
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  selector: (o) => fromLabelSelector(o.spec?.selector),
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
  selector: (o) => fromLabelSelector({ matchLabels: o.spec?.selector as Record<string, string> | undefined }),
};
