// The legacy token controller (run in the API server over its secret cache): fills Secrets of
// type kubernetes.io/service-account-token naming a service account with a non-expiring token,
// the cluster CA and the namespace, as kube-controller-manager's tokens controller does.
import type { KubeObject } from "../../../api/object.ts";
import type { ApiHandler } from "../../handler.ts";
import { inProcessRequest } from "../../inprocess.ts";
import type { ObjectCache } from "../objectcache.ts";
import type { ServiceAccountTokens } from "./tokens.ts";

const controllerUser = { name: "system:apiserver", groups: ["system:masters"] };
const saNameAnnotation = "kubernetes.io/service-account.name";
const saUidAnnotation = "kubernetes.io/service-account.uid";

interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export class LegacyTokenController {
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly o: {
      handler: ApiHandler;
      secrets: ObjectCache;
      serviceAccounts: ObjectCache;
      tokens: ServiceAccountTokens;
      caCert: string;
      onError: (err: unknown) => void;
    },
  ) {
    o.secrets.onChange((obj, _old, deleted) => {
      if (!deleted) this.enqueue(obj as Secret);
    });
    o.serviceAccounts.onChange((sa, _old, deleted) => {
      if (deleted) return;
      for (const s of o.secrets.values()) {
        const secret = s as Secret;
        if (secret.metadata?.namespace === sa.metadata?.namespace) this.enqueue(secret);
      }
    });
  }

  start(): void {
    for (const s of this.o.secrets.values()) this.enqueue(s as Secret);
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.chain;
  }

  private enqueue(secret: Secret): void {
    if (secret.type !== "kubernetes.io/service-account-token" || secret.data?.token) return;
    const saName = secret.metadata?.annotations?.[saNameAnnotation];
    if (!saName) return;
    this.chain = this.chain.then(() =>
      this.stopped ? undefined : this.fill(secret, saName).catch(this.o.onError),
    );
  }

  private async fill(secret: Secret, saName: string): Promise<void> {
    const ns = secret.metadata?.namespace ?? "";
    const name = secret.metadata?.name ?? "";
    const current = this.o.secrets.get(ns, name) as Secret | undefined;
    if (!current || current.data?.token) return;
    const sa = this.o.serviceAccounts.get(ns, saName);
    if (!sa) return;
    const uid = sa.metadata?.uid ?? "";
    const wantedUid = current.metadata?.annotations?.[saUidAnnotation];
    if (wantedUid && wantedUid !== uid) return;
    const token = await this.o.tokens.issueLegacy(ns, { name: saName, uid }, name);
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    const updated: Secret = {
      ...current,
      metadata: {
        ...current.metadata,
        annotations: { ...current.metadata?.annotations, [saUidAnnotation]: uid },
      },
      data: { ...current.data, token: b64(token), "ca.crt": b64(this.o.caCert), namespace: b64(ns) },
    };
    const res = await inProcessRequest(this.o.handler, {
      method: "PUT",
      path: `/api/v1/namespaces/${ns}/secrets/${name}`,
      user: controllerUser,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(updated),
    });
    // 409: a newer version is on its way through the cache and is queued again.
    if (res.status >= 300 && res.status !== 409)
      throw new Error(`filling token secret ${ns}/${name}: ${res.status}`);
  }
}
