// What the namespace controller needs from the API, kept small so that the temporary
// in-process adapter (src/cli/namespace-controller.ts) and the future client can both serve it.
import type { Namespace } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../api/object.ts";

/** One served namespaced resource (its preferred version), as discovery lists it. */
export interface NamespacedResource {
  group: string;
  version: string;
  resource: string;
  verbs: readonly string[];
}

export interface NamespaceWatch {
  close(): void;
}

export interface NamespaceDeletionClient {
  getNamespace(name: string): Promise<Namespace | undefined>;
  listNamespaces(): Promise<{ items: Namespace[]; resourceVersion: string }>;
  /**
   * Namespace changes after `resourceVersion`. `onEnd` is called once when the watch stops for
   * any reason other than close() (the controller then lists and watches again).
   */
  watchNamespaces(
    resourceVersion: string,
    onChange: (ns: Namespace) => void,
    onEnd: (err?: unknown) => void,
  ): NamespaceWatch;
  namespacedResources(): Promise<NamespacedResource[]>;
  /** DELETE of the whole collection in the namespace, background propagation. */
  deleteCollection(resource: NamespacedResource, namespace: string): Promise<void>;
  /** DELETE of one object (for resources without deletecollection); gone already is fine. */
  deleteObject(resource: NamespacedResource, namespace: string, name: string): Promise<void>;
  list(resource: NamespacedResource, namespace: string): Promise<KubeObject[]>;
  /** PUT namespaces/NAME/finalize with these spec.finalizers. */
  finalize(ns: Namespace, finalizers: string[]): Promise<void>;
}
