// What a joining node trusts, like kubeadm's token discovery: the bootstrap token's parts, the
// `sha256:<hex>` pin of a CA's SubjectPublicKeyInfo, and the detached JWS (HS256 keyed by the
// token) with which the bootstrap signer signs the cluster-info ConfigMap's kubeconfig.
import { createHash, createHmac, timingSafeEqual, X509Certificate } from "node:crypto";

const tokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** Thrown when the token, the pin or the server's answer cannot be trusted; one line for the user. */
export class JoinTrustError extends Error {
  override name = "JoinTrustError";
}

export function parseBootstrapToken(token: string): BootstrapToken {
  const m = tokenPattern.exec(token.trim());
  if (!m?.[1] || !m[2]) {
    throw new JoinTrustError(`the token "${token}" is not of the form [a-z0-9]{6}.[a-z0-9]{16}`);
  }
  return { id: m[1], secret: m[2] };
}

/** kubeadm's --discovery-token-ca-cert-hash of a CA: sha256 over its DER SubjectPublicKeyInfo. */
export function caCertHash(caPem: string): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: "spki", format: "der" });
  return `sha256:${createHash("sha256").update(spki).digest("hex")}`;
}

/** Whether any certificate of a PEM bundle matches one of the pins (`sha256:<hex>`, case-insensitive). */
export function matchesPin(caPem: string, pins: readonly string[]): boolean {
  const wanted = pins.map((p) => p.toLowerCase().trim());
  for (const p of wanted) {
    if (!/^sha256:[0-9a-f]{64}$/.test(p))
      throw new JoinTrustError(`the CA pin "${p}" is not sha256:<64 hex digits>`);
  }
  const blocks = caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.some((b) => wanted.includes(caCertHash(b)));
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString("base64url");

/** Verifies a detached JWS over `payload` made with this token (alg HS256, kid = token id). */
export function verifyDetachedJws(payload: string, jws: string, token: BootstrapToken): boolean {
  const parts = jws.split(".");
  if (parts.length !== 3 || parts[1] !== "") return false;
  const [header = "", , signature = ""] = parts;
  let h: unknown;
  try {
    h = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  } catch {
    return false;
  }
  if (typeof h !== "object" || h === null) return false;
  const { alg, kid } = h as { alg?: unknown; kid?: unknown };
  if (alg !== "HS256" || kid !== token.id) return false;
  const expected = createHmac("sha256", `${token.id}.${token.secret}`)
    .update(`${header}.${b64url(payload)}`)
    .digest();
  const given = Buffer.from(signature, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
