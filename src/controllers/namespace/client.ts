// What the namespace deleter needs from the API, kept small so that tests can serve it from
// memory and the controller serves it through the REST client (restclient.ts).
import type { Namespace, NamespaceCondition } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../api/object.ts";

/** One served namespaced resource (its preferred version), as discovery lists it. */
export interface NamespacedResource {
  group: string;
  version: string;
  resource: string;
  verbs: readonly string[];
}

export interface NamespacedResources {
  resources: NamespacedResource[];
  /** Group-versions whose discovery failed, with the error text (the namespace is not finalized then). */
  failures: string[];
}

export interface NamespaceDeletionClient {
  getNamespace(name: string): Promise<Namespace | undefined>;
  namespacedResources(): Promise<NamespacedResources>;
  /** DELETE of the whole collection in the namespace, background propagation. */
  deleteCollection(resource: NamespacedResource, namespace: string): Promise<void>;
  /** DELETE of one object (for resources without deletecollection); gone already is fine. */
  deleteObject(resource: NamespacedResource, namespace: string, name: string): Promise<void>;
  list(resource: NamespacedResource, namespace: string): Promise<KubeObject[]>;
  /** PUT namespaces/NAME/status with these conditions; returns the stored namespace (undefined if gone). */
  updateConditions(ns: Namespace, conditions: NamespaceCondition[]): Promise<Namespace | undefined>;
  /** PUT namespaces/NAME/finalize with these spec.finalizers. */
  finalize(ns: Namespace, finalizers: string[]): Promise<void>;
}
