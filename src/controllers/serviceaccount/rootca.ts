// The root CA publisher (Kubernetes' root-ca-cert-publisher): every active namespace holds the
// ConfigMap kube-root-ca.crt with the cluster CA as `ca.crt`, which pods' token volumes project.
import type { ConfigMap, Namespace } from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";

export const rootCaConfigMapName = "kube-root-ca.crt";
const description =
  "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

const configMapsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "configmaps",
  namespaced: true,
  kind: "ConfigMap",
};
const namespacesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "namespaces",
  namespaced: false,
  kind: "Namespace",
};

export interface RootCaPublisherOptions {
  /** The cluster CA certificate (PEM). */
  caCert: string;
}

export function rootCaPublisherController(options: RootCaPublisherOptions): ControllerDescriptor {
  return {
    name: "root-ca-cert-publisher",
    start(ctx) {
      const namespaces = ctx.informers.informerFor<Namespace>(namespacesResource);
      const configMaps = ctx.informers.informerFor<ConfigMap>(configMapsResource);
      const client = ctx.client.resource<ConfigMap>(configMapsResource);
      return startQueueController({
        ctx,
        name: "root-ca-cert-publisher",
        informers: [namespaces, configMaps],
        register: (queue) => {
          const ours = (cm: ConfigMap): void => {
            if (cm.metadata?.name === rootCaConfigMapName && cm.metadata.namespace)
              queue.add(cm.metadata.namespace);
          };
          return [
            namespaces.addEventHandler({
              onAdd: (ns) => ns.metadata?.name && queue.add(ns.metadata.name),
              onUpdate: (_, ns) => ns.metadata?.name && queue.add(ns.metadata.name),
            }),
            configMaps.addEventHandler({ onUpdate: (_, cm) => ours(cm), onDelete: ours }),
          ];
        },
        sync: async (namespace) => {
          const ns = namespaces.indexer.get(namespace);
          if (!ns || ns.metadata?.deletionTimestamp || ns.status?.phase === "Terminating") return;
          const current = configMaps.indexer.get(`${namespace}/${rootCaConfigMapName}`);
          try {
            if (!current) {
              await client.create({
                metadata: {
                  name: rootCaConfigMapName,
                  namespace,
                  annotations: { "kubernetes.io/description": description },
                },
                data: { "ca.crt": options.caCert },
              });
              return;
            }
            const annotations = current.metadata?.annotations ?? {};
            if (current.data?.["ca.crt"] === options.caCert && annotations["kubernetes.io/description"])
              return;
            await client.update({
              ...current,
              metadata: {
                ...current.metadata,
                annotations: { ...annotations, "kubernetes.io/description": description },
              },
              data: { ...(current.data ?? {}), "ca.crt": options.caCert },
            });
          } catch (err) {
            // Cache behind (exists / changed) or namespace terminating: the informer brings us back.
            if (err instanceof ApiError && [403, 404, 409].includes(err.code)) return;
            throw err;
          }
        },
      });
    },
  };
}
