// The bootstrap signer (kube-controller-manager's "bootstrapsigner"): keeps kube-public/cluster-info
// signed with a detached JWS (HS256 keyed by the token) per live bootstrap token marked for
// signing, so a joining node can trust the CA it finds there without trusting the server yet.
import { createHmac } from "node:crypto";
import type { ConfigMap, Secret } from "kubernetes-types/core/v1.js";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import {
  configMapsResource,
  expired,
  secretsResource,
  signedData,
  type TokenSecret,
  tokenOf,
} from "./tokens.ts";

const clusterInfo = "cluster-info";

/** `header..signature` of the compact JWS over payload (RFC 7515 appendix F, detached content). */
export function detachedSignature(payload: string, t: Pick<TokenSecret, "id" | "secret">): string {
  const header = Buffer.from(JSON.stringify({ alg: "HS256", kid: t.id })).toString("base64url");
  const body = Buffer.from(payload).toString("base64url");
  const sig = createHmac("sha256", `${t.id}.${t.secret}`).update(`${header}.${body}`).digest("base64url");
  return `${header}..${sig}`;
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

export const bootstrapSignerController: ControllerDescriptor = {
  name: "bootstrap-signer-controller",
  start(ctx) {
    const secrets = ctx.informers.informerFor<Secret>(secretsResource, { namespace: "kube-system" });
    const configMaps = ctx.informers.informerFor<ConfigMap>(configMapsResource, { namespace: "kube-public" });
    const client = ctx.client.resource<ConfigMap>(configMapsResource);
    return startQueueController({
      ctx,
      name: "bootstrap-signer-controller",
      informers: [secrets, configMaps],
      workers: 1,
      register: (queue) => {
        const poke = () => queue.add(clusterInfo);
        const onSecret = { onAdd: poke, onUpdate: poke, onDelete: poke };
        return [
          secrets.addEventHandler(onSecret),
          configMaps.addEventHandler({
            onAdd: (c) => c.metadata?.name === clusterInfo && poke(),
            onUpdate: (_, c) => c.metadata?.name === clusterInfo && poke(),
          }),
        ];
      },
      sync: async () => {
        const cm = configMaps.indexer.get(`kube-public/${clusterInfo}`);
        if (!cm) return;
        const now = ctx.now();
        const tokens = secrets.indexer
          .list()
          .filter((s) => !s.metadata?.deletionTimestamp)
          .map(tokenOf)
          .filter((t): t is TokenSecret => t?.signing === true && !expired(t, now));
        const data = signedData(cm, tokens, detachedSignature);
        if (sameData(data, cm.data ?? {})) return;
        // A stale resourceVersion fails with a conflict and the worker retries from the cache.
        await client.update({ ...cm, data });
      },
    });
  },
};
