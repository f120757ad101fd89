// Test helper: an in-memory cluster implementing the controller's small client interface.
import type { Namespace } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../api/object.ts";
import type { NamespaceDeletionClient, NamespacedResource } from "./client.ts";

/** An in-memory cluster implementing the controller's small interface. */
export class MemoryCluster implements NamespaceDeletionClient {
  namespaces = new Map<string, Namespace>();
  objects = new Map<string, KubeObject[]>();
  /** Objects that deletion only marks (like a pod waiting for its kubelet). */
  sticky = new Set<string>();
  calls: string[] = [];
  resources: NamespacedResource[] = [
    { group: "", version: "v1", resource: "pods", verbs: ["list", "delete", "deletecollection"] },
    { group: "", version: "v1", resource: "configmaps", verbs: ["list", "delete"] },
  ];
  watchers: ((ns: Namespace) => void)[] = [];

  key = (r: NamespacedResource, ns: string) => `${r.resource}/${ns}`;
  async getNamespace(name: string) {
    return this.namespaces.get(name);
  }
  async listNamespaces() {
    return { items: [...this.namespaces.values()], resourceVersion: "1" };
  }
  watchNamespaces(_rv: string, onChange: (ns: Namespace) => void) {
    this.watchers.push(onChange);
    return { close: () => void this.watchers.splice(this.watchers.indexOf(onChange), 1) };
  }
  async namespacedResources() {
    return this.resources;
  }
  async deleteCollection(r: NamespacedResource, ns: string) {
    this.calls.push(`deletecollection ${this.key(r, ns)}`);
    this.objects.set(
      this.key(r, ns),
      (this.objects.get(this.key(r, ns)) ?? []).filter((o) => this.sticky.has(o.metadata?.name ?? "")),
    );
  }
  async deleteObject(r: NamespacedResource, ns: string, name: string) {
    this.calls.push(`delete ${this.key(r, ns)}/${name}`);
    this.objects.set(
      this.key(r, ns),
      (this.objects.get(this.key(r, ns)) ?? []).filter((o) => o.metadata?.name !== name),
    );
  }
  async list(r: NamespacedResource, ns: string) {
    return this.objects.get(this.key(r, ns)) ?? [];
  }
  async finalize(ns: Namespace, finalizers: string[]) {
    this.calls.push(`finalize ${ns.metadata?.name} [${finalizers.join(",")}]`);
    this.namespaces.delete(ns.metadata?.name ?? "");
  }
}
