// Reading bootstrap token Secrets (kube-system `bootstrap-token-<id>`, type
// bootstrap.kubernetes.io/token) for the bootstrap signer and the token cleaner.
import type { ConfigMap, Secret } from "kubernetes-types/core/v1.js";
import type { ResourceCoords } from "../../client/paths.ts";

export const secretsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "secrets",
  namespaced: true,
  kind: "Secret",
};
export const configMapsResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "configmaps",
  namespaced: true,
  kind: "ConfigMap",
};

export const bootstrapTokenType = "bootstrap.kubernetes.io/token";
export const jwsKeyPrefix = "jws-kubeconfig-";

export interface TokenSecret {
  id: string;
  secret: string;
  /** Epoch ms; undefined when the token never expires. */
  expires?: number;
  signing: boolean;
}

function field(s: Secret, key: string): string {
  const d = s.data?.[key];
  if (d !== undefined) return Buffer.from(d, "base64").toString("utf8");
  return s.stringData?.[key] ?? "";
}

/** The token a Secret holds, or undefined when it is not a well-formed bootstrap token. */
export function tokenOf(s: Secret): TokenSecret | undefined {
  if (s.type !== bootstrapTokenType || s.metadata?.namespace !== "kube-system") return undefined;
  const id = field(s, "token-id");
  const secret = field(s, "token-secret");
  if (!/^[a-z0-9]{6}$/.test(id) || !/^[a-z0-9]{16}$/.test(secret)) return undefined;
  if (s.metadata?.name !== `bootstrap-token-${id}`) return undefined;
  const exp = field(s, "expiration");
  const expires = exp === "" ? undefined : Date.parse(exp);
  return {
    id,
    secret,
    // An unparseable expiration counts as expired, as upstream's IsExpired does.
    ...(expires !== undefined ? { expires: Number.isNaN(expires) ? 0 : expires } : {}),
    signing: field(s, "usage-bootstrap-signing") === "true",
  };
}

export function expired(t: TokenSecret, now: Date): boolean {
  return t.expires !== undefined && t.expires <= now.getTime();
}

/** The cluster-info data with exactly one signature per live signing token. */
export function signedData(
  cm: ConfigMap,
  tokens: TokenSecret[],
  sign: (payload: string, t: TokenSecret) => string,
): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(cm.data ?? {})) if (!k.startsWith(jwsKeyPrefix)) data[k] = v;
  const payload = data.kubeconfig;
  if (payload === undefined) return data;
  for (const t of tokens) data[`${jwsKeyPrefix}${t.id}`] = sign(payload, t);
  return data;
}
