// Test helper: an in-memory cluster implementing the namespace deleter's small client interface.
import type { Namespace, NamespaceCondition } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../api/object.ts";
import type { NamespaceDeletionClient, NamespacedResource } from "./client.ts";

export class MemoryCluster implements NamespaceDeletionClient {
  namespaces = new Map<string, Namespace>();
  objects = new Map<string, KubeObject[]>();
  /** Objects that deletion only marks (like a pod waiting for its kubelet). */
  sticky = new Set<string>();
  calls: string[] = [];
  discoveryFailures: string[] = [];
  resources: NamespacedResource[] = [
    { group: "", version: "v1", resource: "pods", verbs: ["list", "delete", "deletecollection"] },
    { group: "", version: "v1", resource: "configmaps", verbs: ["list", "delete"] },
  ];

  key = (r: NamespacedResource, ns: string) => `${r.resource}/${ns}`;
  async getNamespace(name: string) {
    return this.namespaces.get(name);
  }
  async namespacedResources() {
    return { resources: this.resources, failures: this.discoveryFailures };
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
      (this.objects.get(this.key(r, ns)) ?? []).filter(
        (o) => o.metadata?.name !== name || this.sticky.has(name),
      ),
    );
  }
  async list(r: NamespacedResource, ns: string) {
    return this.objects.get(this.key(r, ns)) ?? [];
  }
  async updateConditions(ns: Namespace, conditions: NamespaceCondition[]) {
    const name = ns.metadata?.name ?? "";
    if (!this.namespaces.has(name)) return undefined;
    const next = { ...ns, status: { ...(ns.status ?? {}), conditions } };
    this.namespaces.set(name, next);
    return next;
  }
  async finalize(ns: Namespace, finalizers: string[]) {
    this.calls.push(`finalize ${ns.metadata?.name} [${finalizers.join(",")}]`);
    this.namespaces.delete(ns.metadata?.name ?? "");
  }
}
