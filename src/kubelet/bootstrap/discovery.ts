// Token discovery (kubeadm's): the cluster CA is read from the kube-public/cluster-info ConfigMap,
// fetched anonymously over TLS that is not yet verified, and trusted only when the ConfigMap's
// `jws-kubeconfig-<token-id>` signature verifies with the token and/or the CA matches a pin. Then
// the same ConfigMap is read again over TLS verified with that CA, and must still match.
import { request } from "node:https";
import { parse } from "yaml";
import { isPlainObject } from "../../api/object.ts";
import { type BootstrapToken, JoinTrustError, matchesPin, verifyDetachedJws } from "./trust.ts";

export interface DiscoveryOptions {
  /** `https://host:port` of the API server. */
  server: string;
  token: BootstrapToken;
  /** `sha256:<hex>` pins of the CA's public key; none: the JWS alone decides. */
  caCertHashes?: readonly string[];
  /** Skip the JWS check (only with a pin, like kubeadm's unsafe-skip options). */
  requireSignature?: boolean;
  /** How long to wait for the bootstrap signer to sign a fresh token (default 15 s). */
  signatureWaitMs?: number;
}

export interface DiscoveredCluster {
  /** The CA PEM to verify the server with from now on. */
  ca: string;
  /** How it was trusted. */
  verifiedBy: ("jws" | "ca-cert-hash")[];
}

const clusterInfoPath = "/api/v1/namespaces/kube-public/configmaps/cluster-info";

interface HttpAnswer {
  status: number;
  body: string;
}

function get(url: URL, ca: string | undefined, bearer?: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        // The first read cannot verify: trust comes from the signature or the pin afterwards.
        ...(ca ? { ca } : { rejectUnauthorized: false }),
        timeout: 10_000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => {
          body += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

async function readClusterInfo(server: string, ca: string | undefined): Promise<Record<string, string>> {
  let answer: HttpAnswer;
  try {
    answer = await get(new URL(clusterInfoPath, server), ca);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new JoinTrustError(`cannot reach ${server}${ca ? " with the discovered CA" : ""}: ${why}`);
  }
  if (answer.status !== 200) {
    throw new JoinTrustError(
      `the server at ${server} does not publish kube-public/cluster-info (HTTP ${answer.status}); create a token with "skiff token create" first`,
    );
  }
  const cm: unknown = JSON.parse(answer.body);
  const data = isPlainObject(cm) && isPlainObject(cm.data) ? cm.data : {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(data)) if (typeof v === "string") out[k] = v;
  return out;
}

/** The CA of the kubeconfig's first cluster (certificate-authority-data). */
export function caOfKubeconfig(text: string): string {
  const doc: unknown = parse(text);
  const clusters = isPlainObject(doc) && Array.isArray(doc.clusters) ? doc.clusters : [];
  const first: unknown = clusters[0];
  const cluster = isPlainObject(first) && isPlainObject(first.cluster) ? first.cluster : undefined;
  const data = cluster?.["certificate-authority-data"];
  if (typeof data !== "string" || data === "")
    throw new JoinTrustError("cluster-info holds no certificate-authority-data");
  return Buffer.from(data, "base64").toString("utf8");
}

/**
 * Whether the server (verified with a CA that matches a pin) answers 401 to the bootstrap token.
 * undefined when that cannot be asked: no kubeconfig, no pin match, or the server is unreachable.
 */
async function tokenRefused(
  server: string,
  kubeconfig: string | undefined,
  pins: readonly string[],
  token: BootstrapToken,
): Promise<boolean | undefined> {
  if (!kubeconfig) return undefined;
  let ca: string;
  try {
    ca = caOfKubeconfig(kubeconfig);
  } catch {
    return undefined;
  }
  // Never send the secret to a server the pin does not vouch for.
  if (!matchesPin(ca, pins)) return undefined;
  try {
    const answer = await get(new URL("/api", server), ca, `${token.id}.${token.secret}`);
    return answer.status === 401;
  } catch {
    return undefined;
  }
}

/** Finds and verifies the cluster CA; throws JoinTrustError with one line saying why not. */
export async function discoverCluster(o: DiscoveryOptions): Promise<DiscoveredCluster> {
  const pins = o.caCertHashes ?? [];
  const jwsKey = `jws-kubeconfig-${o.token.id}`;
  let insecure = await readClusterInfo(o.server, undefined);
  // The signer adds a new token's signature moments after the token is created.
  const deadline = Date.now() + (o.signatureWaitMs ?? 15_000);
  let tokenChecked = false;
  while (insecure[jwsKey] === undefined && o.requireSignature !== false && Date.now() < deadline) {
    if (!tokenChecked && pins.length > 0) {
      // Conclusive at once with a pin: over TLS verified by the pinned CA the server may see the
      // token, and a 401 for it means it is unknown or expired, so no signature will ever come.
      tokenChecked = true;
      if ((await tokenRefused(o.server, insecure.kubeconfig, pins, o.token)) === true) break;
    }
    await new Promise((r) => setTimeout(r, 500));
    insecure = await readClusterInfo(o.server, undefined);
  }
  const kubeconfig = insecure.kubeconfig;
  if (!kubeconfig) throw new JoinTrustError("the cluster-info ConfigMap has no kubeconfig");
  const verifiedBy: DiscoveredCluster["verifiedBy"] = [];
  const jws = insecure[jwsKey];
  if (jws !== undefined) {
    if (!verifyDetachedJws(kubeconfig, jws, o.token))
      throw new JoinTrustError(
        `the token ${o.token.id}.… does not sign the cluster-info of ${o.server}: wrong token, or not this cluster`,
      );
    verifiedBy.push("jws");
  } else if (o.requireSignature !== false || pins.length === 0) {
    throw new JoinTrustError(
      `the cluster-info of ${o.server} carries no signature for token id ${o.token.id}: the token is unknown, expired, or not yet signed`,
    );
  }
  const ca = caOfKubeconfig(kubeconfig);
  if (pins.length > 0) {
    if (!matchesPin(ca, pins))
      throw new JoinTrustError(
        `the cluster CA of ${o.server} does not match --ca-cert-hash ${pins.join(", ")}`,
      );
    verifiedBy.push("ca-cert-hash");
  }
  // Read it again over verified TLS: the server now proves it holds a certificate of that CA.
  const secure = await readClusterInfo(o.server, ca);
  if (secure.kubeconfig !== kubeconfig)
    throw new JoinTrustError(`the cluster-info of ${o.server} changed while joining; try again`);
  return { ca, verifiedBy };
}
