// TEMPORARY adapter: serves the namespace controller's client interface from the in-process
// API handler, until the shared client (branch `client`) lands and takes over this job.
import type { Namespace } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../api/object.ts";
import { groupVersion } from "../api/object.ts";
import { Registry } from "../api/registry.ts";
import { allVerbs } from "../api/resource.ts";
import type { ApiHandler } from "../apiserver/handler.ts";
import { inProcessRequest, inProcessStream } from "../apiserver/inprocess.ts";
import type { NamespaceDeletionClient, NamespacedResource } from "../controllers/namespace/client.ts";
import { NamespaceController } from "../controllers/namespace/controller.ts";

const controllerUser = {
  name: "system:serviceaccount:kube-system:namespace-controller",
  groups: ["system:serviceaccounts", "system:masters"],
};

function collectionPath(r: NamespacedResource, namespace: string): string {
  const prefix = r.group === "" ? "/api" : "/apis";
  return `${prefix}/${groupVersion(r.group, r.version)}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`;
}

const background = JSON.stringify({
  kind: "DeleteOptions",
  apiVersion: "v1",
  propagationPolicy: "Background",
});

export function inProcessNamespaceClient(handler: ApiHandler, registry: Registry): NamespaceDeletionClient {
  const call = async (
    method: string,
    path: string,
    body?: string,
  ): Promise<{ status: number; json: unknown }> => {
    const res = await inProcessRequest(handler, {
      method,
      path,
      user: controllerUser,
      ...(body !== undefined ? { body, headers: { "content-type": "application/json" } } : {}),
    });
    return { status: res.status, json: res.body ? (JSON.parse(res.body) as unknown) : undefined };
  };
  const expect = async (method: string, path: string, ok: number[], body?: string): Promise<unknown> => {
    const res = await call(method, path, body);
    if (!ok.includes(res.status)) {
      const message = (res.json as { message?: string } | undefined)?.message ?? "";
      throw new Error(`${method} ${path}: ${res.status} ${message}`);
    }
    return res.status === 404 ? undefined : res.json;
  };
  return {
    async getNamespace(name) {
      return (await expect("GET", `/api/v1/namespaces/${encodeURIComponent(name)}`, [200, 404])) as
        | Namespace
        | undefined;
    },
    async listNamespaces() {
      const list = (await expect("GET", "/api/v1/namespaces", [200])) as {
        items: Namespace[];
        metadata: { resourceVersion: string };
      };
      return { items: list.items, resourceVersion: list.metadata.resourceVersion };
    },
    watchNamespaces(resourceVersion, onChange, onEnd) {
      let closed = false;
      const stream = inProcessStream(handler, {
        method: "GET",
        path: `/api/v1/namespaces?watch=true&resourceVersion=${encodeURIComponent(resourceVersion)}`,
        user: controllerUser,
      });
      let buffer = "";
      let failure: unknown;
      stream.onChunk((chunk) => {
        buffer += chunk;
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line === "") continue;
          const event = JSON.parse(line) as { type: string; object: Namespace };
          if (event.type === "ERROR") failure = new Error(`namespace watch: ${JSON.stringify(event.object)}`);
          else if (event.type !== "BOOKMARK") onChange(event.object);
        }
      });
      void stream.done.then(
        () => {
          if (!closed) onEnd(failure);
        },
        (err: unknown) => {
          if (!closed) onEnd(err);
        },
      );
      return {
        close() {
          closed = true;
          stream.cancel();
        },
      };
    },
    async namespacedResources() {
      // One version per resource (the preferred one: registry order), like discovery's
      // ServerPreferredNamespacedResources; versions sharing storage count once.
      const seen = new Set<string>();
      const out: NamespacedResource[] = [];
      for (const def of registry.all()) {
        const key = Registry.storagePrefix(def);
        if (!def.namespaced || seen.has(key)) continue;
        seen.add(key);
        out.push({
          group: def.group,
          version: def.version,
          resource: def.resource,
          verbs: def.verbs ?? allVerbs,
        });
      }
      return out;
    },
    async deleteCollection(resource, namespace) {
      await expect("DELETE", collectionPath(resource, namespace), [200, 404], background);
    },
    async deleteObject(resource, namespace, name) {
      await expect(
        "DELETE",
        `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`,
        [200, 202, 404],
        background,
      );
    },
    async list(resource, namespace) {
      const list = (await expect("GET", collectionPath(resource, namespace), [200, 404])) as
        | { items: KubeObject[] }
        | undefined;
      return list?.items ?? [];
    },
    async finalize(ns, finalizers) {
      const name = ns.metadata?.name ?? "";
      const body = JSON.stringify({ ...ns, spec: { ...(ns.spec ?? {}), finalizers } });
      await expect("PUT", `/api/v1/namespaces/${encodeURIComponent(name)}/finalize`, [200, 404], body);
    },
  };
}

export interface RunningNamespaceController {
  stop(): Promise<void>;
}

export async function startNamespaceController(options: {
  handler: ApiHandler;
  registry: Registry;
  onError: (err: unknown, namespace: string) => void;
}): Promise<RunningNamespaceController> {
  const controller = new NamespaceController({
    client: inProcessNamespaceClient(options.handler, options.registry),
    onError: options.onError,
  });
  await controller.start();
  return controller;
}
