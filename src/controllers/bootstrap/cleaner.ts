// The token cleaner (kube-controller-manager's "tokencleaner"): deletes bootstrap token Secrets
// once their expiration has passed, and looks again at each live one when it expires.
import type { Secret } from "kubernetes-types/core/v1.js";
import { NotFoundError } from "../../api/errors.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { expired, secretsResource, tokenOf } from "./tokens.ts";

export const tokenCleanerController: ControllerDescriptor = {
  name: "token-cleaner-controller",
  start(ctx) {
    const secrets = ctx.informers.informerFor<Secret>(secretsResource, { namespace: "kube-system" });
    const client = ctx.client.resource<Secret>(secretsResource);
    let requeue: ((key: string, ms: number) => void) | undefined;
    return startQueueController({
      ctx,
      name: "token-cleaner-controller",
      informers: [secrets],
      workers: 1,
      register: (queue) => {
        requeue = (key, ms) => queue.addAfter(key, ms);
        const add = (s: Secret) => queue.add(`kube-system/${s.metadata?.name ?? ""}`);
        return [secrets.addEventHandler({ onAdd: add, onUpdate: (_, s) => add(s) })];
      },
      sync: async (key) => {
        const s = secrets.indexer.get(key);
        const t = s && !s.metadata?.deletionTimestamp ? tokenOf(s) : undefined;
        if (!s || !t || t.expires === undefined) return;
        const now = ctx.now();
        if (!expired(t, now)) {
          requeue?.(key, Math.min(t.expires - now.getTime() + 100, 2 ** 31 - 1));
          return;
        }
        try {
          await client.delete(s.metadata?.name ?? "", {
            namespace: "kube-system",
            ...(s.metadata?.uid ? { preconditions: { uid: s.metadata.uid } } : {}),
          });
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
        }
      },
    });
  },
};
