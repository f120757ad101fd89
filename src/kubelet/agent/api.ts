// The agent's API calls: ConfigMaps, Secrets, claims and volumes it reads, service account tokens
// (TokenRequest), pod status patches and final deletions, and the mirror pods of static pods.
import type {
  ConfigMap,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodStatus,
  Secret,
} from "kubernetes-types/core/v1.js";
import { ApiError } from "../../api/errors.ts";
import type { Informer } from "../../client/informer/informer.ts";
import type { RestClient } from "../../client/rest.ts";
import type { VolumeObjectSource } from "../volumes/manager.ts";
import type { TokenSource } from "../volumes/projection.ts";
import {
  configHashAnnotation,
  configMirrorAnnotation,
  isMirrorPod,
  isStaticPod,
  type StaticPodSource,
} from "./static-pods.ts";

const core = (resource: string, kind: string, namespaced: boolean) => ({
  group: "",
  version: "v1",
  resource,
  kind,
  namespaced,
});

export const resources = {
  nodes: core("nodes", "Node", false),
  pods: core("pods", "Pod", true),
  configMaps: core("configmaps", "ConfigMap", true),
  secrets: core("secrets", "Secret", true),
  services: core("services", "Service", true),
  serviceAccounts: core("serviceaccounts", "ServiceAccount", true),
  persistentVolumeClaims: core("persistentvolumeclaims", "PersistentVolumeClaim", true),
  persistentVolumes: core("persistentvolumes", "PersistentVolume", false),
  events: core("events", "Event", true),
  leases: {
    group: "coordination.k8s.io",
    version: "v1",
    resource: "leases",
    namespaced: true,
    kind: "Lease",
  },
};

export const isReason = (err: unknown, ...reasons: string[]): boolean =>
  err instanceof ApiError && reasons.includes(err.reason);

export interface AgentApiOptions {
  client: RestClient;
  nodeName: string;
  /** The pods bound to this node and our Node (informer caches). */
  pods: Informer<Pod>;
  nodes: Informer<Node>;
  staticPods?: StaticPodSource | undefined;
}

export class AgentApi {
  constructor(private readonly o: AgentApiOptions) {}

  objects(): VolumeObjectSource {
    const get = async <T>(
      resource: typeof resources.nodes,
      ns: string,
      name: string,
    ): Promise<T | undefined> => {
      try {
        return (await this.o.client.resource(resource).get(name, { namespace: ns })) as T;
      } catch (err) {
        if (isReason(err, "NotFound")) return undefined;
        throw err;
      }
    };
    return {
      configMap: (ns, name) => get<ConfigMap>(resources.configMaps, ns, name),
      secret: (ns, name) => get<Secret>(resources.secrets, ns, name),
      persistentVolumeClaim: (ns, name) =>
        get<PersistentVolumeClaim>(resources.persistentVolumeClaims, ns, name),
      persistentVolume: (name) => get<PersistentVolume>(resources.persistentVolumes, "", name),
    };
  }

  /** A bound token from serviceaccounts/token; undefined when the API does not serve TokenRequest. */
  tokens(): TokenSource {
    return async (pod, audience, expirationSeconds) => {
      const m = pod.metadata ?? {};
      const body = {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: {
          ...(audience ? { audiences: [audience] } : {}),
          expirationSeconds,
          boundObjectRef: { apiVersion: "v1", kind: "Pod", name: m.name, uid: m.uid },
        },
      };
      try {
        const r = await this.o.client
          .resource(resources.serviceAccounts)
          .createSubresource<{ status?: { token?: string } }>(
            pod.spec?.serviceAccountName ?? "default",
            "token",
            body,
            {
              namespace: m.namespace ?? "",
            },
          );
        return r.status?.token;
      } catch (err) {
        if (isReason(err, "NotFound", "MethodNotAllowed")) return undefined;
        throw err;
      }
    };
  }

  /** Creates the mirror pod of a static pod, replacing one of another version or one being deleted. */
  async syncMirror(staticPod: Pod, mirror: Pod | undefined): Promise<void> {
    const hash = staticPod.metadata?.annotations?.[configHashAnnotation] ?? "";
    if (mirror && (!isMirrorPod(mirror) || mirror.metadata?.annotations?.[configMirrorAnnotation] === hash)) {
      if (!mirror.metadata?.deletionTimestamp || !isMirrorPod(mirror)) return;
    }
    if (mirror) await this.deleteNow(mirror);
    const m = staticPod.metadata ?? {};
    const { uid: _uid, ...meta } = m;
    const node = this.o.nodes.indexer.list()[0];
    const body: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        ...meta,
        annotations: { ...m.annotations, [configMirrorAnnotation]: hash },
        ...(node?.metadata?.uid
          ? {
              ownerReferences: [
                {
                  apiVersion: "v1",
                  kind: "Node",
                  name: this.o.nodeName,
                  uid: node.metadata.uid,
                  controller: true,
                },
              ],
            }
          : {}),
      },
      spec: staticPod.spec ?? { containers: [] },
    };
    try {
      await this.o.client.resource<Pod>(resources.pods).create(body, { namespace: m.namespace ?? "default" });
    } catch (err) {
      if (!isReason(err, "AlreadyExists")) throw err;
    }
  }

  async patchStatus(pod: Pod, status: PodStatus): Promise<void> {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (isStaticPod(pod)) {
      // A static pod reports through its mirror (another uid); no mirror yet, the next sync writes.
      const mirror = this.o.pods.indexer.get(key);
      if (!mirror || !isMirrorPod(mirror)) throw new Error(`mirror pod ${key} is not in the cache yet`);
      this.o.staticPods?.setStatus(key, status);
      pod = mirror;
    }
    try {
      await this.o.client
        .resource<Pod>(resources.pods)
        .patch(
          pod.metadata?.name ?? "",
          { metadata: { uid: pod.metadata?.uid }, status },
          { type: "strategic", subresource: "status", namespace: pod.metadata?.namespace ?? "" },
        );
    } catch (err) {
      if (!isReason(err, "NotFound")) throw err;
    }
  }

  async deleteNow(pod: Pod): Promise<void> {
    try {
      await this.o.client.resource<Pod>(resources.pods).delete(pod.metadata?.name ?? "", {
        namespace: pod.metadata?.namespace ?? "",
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata?.uid ?? "" },
      });
    } catch (err) {
      if (!isReason(err, "NotFound", "Conflict")) throw err;
    }
  }
}
