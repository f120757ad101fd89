// The namespace deleter's client over the REST client: discovery of namespaced resources (the
// preferred version of each, like ServerPreferredNamespacedResources), deletions with background
// propagation, and the namespace's status and finalize subresources.
import type { Namespace, NamespaceCondition } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { RestClient } from "../../client/rest.ts";
import { discoverResources, preferredResources } from "../garbagecollector/discovery.ts";
import type { NamespaceDeletionClient, NamespacedResource } from "./client.ts";

export const namespacesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "namespaces",
  namespaced: false,
  kind: "Namespace",
};

const coords = (r: NamespacedResource): ResourceCoords => ({ ...r, namespaced: true });
const isNotFound = (err: unknown): boolean => err instanceof ApiError && err.code === 404;

async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function restNamespaceClient(client: RestClient): NamespaceDeletionClient {
  const namespaces = client.resource<Namespace>(namespacesResource);
  return {
    getNamespace: (name) => ignoreNotFound(namespaces.get(name)),
    async namespacedResources() {
      const found = await discoverResources(client);
      // Versions sharing storage are one resource: the preferred version stands for it.
      const resources = preferredResources(found.resources)
        .filter((r) => r.namespaced)
        .map((r) => ({ group: r.group, version: r.version, resource: r.resource, verbs: r.verbs }));
      const failures = found.failed.map(
        (f) => `${f.groupVersion}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
      );
      return { resources, failures };
    },
    async deleteCollection(resource, namespace) {
      await ignoreNotFound(
        client.resource(coords(resource)).deleteCollection({ namespace, propagationPolicy: "Background" }),
      );
    },
    async deleteObject(resource, namespace, name) {
      await ignoreNotFound(
        client.resource(coords(resource)).delete(name, { namespace, propagationPolicy: "Background" }),
      );
    },
    async list(resource, namespace) {
      const list = await ignoreNotFound(client.resource<KubeObject>(coords(resource)).listAll({ namespace }));
      return list?.items ?? [];
    },
    updateConditions(ns: Namespace, conditions: NamespaceCondition[]) {
      return ignoreNotFound(namespaces.updateStatus({ ...ns, status: { ...(ns.status ?? {}), conditions } }));
    },
    async finalize(ns, finalizers) {
      const name = ns.metadata?.name ?? "";
      await ignoreNotFound(
        namespaces.updateSubresource(name, "finalize", {
          apiVersion: "v1",
          kind: "Namespace",
          ...ns,
          spec: { ...(ns.spec ?? {}), finalizers },
        }),
      );
    },
  };
}
