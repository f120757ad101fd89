// Service account JWTs: bound tokens (TokenRequest: audiences, expiry, bound to a pod or secret)
// and legacy secret tokens, signed RS256 with the server's key (jose); and the authenticator that
// verifies them and checks that the service account and the bound object still exist, same uid.
import { randomUUID } from "node:crypto";
import { decodeJwt, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { KubeObject } from "../../../api/object.ts";
import type { TokenAuthenticator } from "../authn.ts";
import type { UserInfo } from "../user.ts";
import type { SigningKey } from "./keys.ts";

export const defaultIssuer = "https://kubernetes.default.svc.cluster.local";
export const legacyIssuer = "kubernetes/serviceaccount";

/** Reads of the objects tokens refer to (the API server's caches, not the Store). */
export interface TokenLookups {
  get(
    resource: "serviceaccounts" | "pods" | "secrets",
    namespace: string,
    name: string,
  ): KubeObject | undefined;
}

export interface BoundObject {
  kind: "Pod" | "Secret";
  name: string;
  uid: string;
}

export interface IssueOptions {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: readonly string[];
  expirationSeconds: number;
  bound?: BoundObject;
  now: Date;
}

interface KubernetesClaims {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod?: { name: string; uid: string };
  secret?: { name: string; uid: string };
}

export class ServiceAccountTokens implements TokenAuthenticator {
  constructor(
    private readonly key: SigningKey,
    private readonly lookups: TokenLookups,
    readonly issuer: string = defaultIssuer,
  ) {}

  /** A bound token and its expiry (TokenRequest). */
  async issue(o: IssueOptions): Promise<{ token: string; expiration: Date }> {
    const iat = Math.floor(o.now.getTime() / 1000);
    const exp = iat + o.expirationSeconds;
    const claims: KubernetesClaims = { namespace: o.namespace, serviceaccount: o.serviceAccount };
    if (o.bound?.kind === "Pod") claims.pod = { name: o.bound.name, uid: o.bound.uid };
    if (o.bound?.kind === "Secret") claims.secret = { name: o.bound.name, uid: o.bound.uid };
    const token = await new SignJWT({ "kubernetes.io": claims })
      .setProtectedHeader({ alg: "RS256", kid: this.key.keyId })
      .setIssuer(this.issuer)
      .setSubject(`system:serviceaccount:${o.namespace}:${o.serviceAccount.name}`)
      .setAudience([...o.audiences])
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(this.key.privateKey);
    return { token, expiration: new Date(exp * 1000) };
  }

  /** The non-expiring token a kubernetes.io/service-account-token Secret carries. */
  issueLegacy(namespace: string, sa: { name: string; uid: string }, secretName: string): Promise<string> {
    return new SignJWT({
      "kubernetes.io/serviceaccount/namespace": namespace,
      "kubernetes.io/serviceaccount/secret.name": secretName,
      "kubernetes.io/serviceaccount/service-account.name": sa.name,
      "kubernetes.io/serviceaccount/service-account.uid": sa.uid,
    })
      .setProtectedHeader({ alg: "RS256", kid: this.key.keyId })
      .setIssuer(legacyIssuer)
      .setSubject(`system:serviceaccount:${namespace}:${sa.name}`)
      .sign(this.key.privateKey);
  }

  async authenticateToken(token: string, audiences?: readonly string[]): Promise<UserInfo | undefined> {
    // Cheap rejection of anything that is not a JWT from us before the signature check.
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      return undefined;
    }
    if (iss !== this.issuer && iss !== legacyIssuer) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key.publicKey, { algorithms: ["RS256"], issuer: iss }));
    } catch {
      return undefined;
    }
    return iss === legacyIssuer
      ? this.legacyUser(token, payload)
      : this.boundUser(payload, audiences ?? [this.issuer]);
  }

  private boundUser(payload: JWTPayload, wanted: readonly string[]): UserInfo | undefined {
    const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [];
    if (!wanted.some((a) => aud.includes(a))) return undefined;
    const k = payload["kubernetes.io"] as KubernetesClaims | undefined;
    if (!k?.serviceaccount) return undefined;
    const sa = this.lookups.get("serviceaccounts", k.namespace, k.serviceaccount.name);
    if (!sa || sa.metadata?.uid !== k.serviceaccount.uid) return undefined;
    const extra: Record<string, string[]> = {};
    if (k.pod) {
      const pod = this.lookups.get("pods", k.namespace, k.pod.name);
      if (!pod || pod.metadata?.uid !== k.pod.uid || pod.metadata?.deletionTimestamp) return undefined;
      extra["authentication.kubernetes.io/pod-name"] = [k.pod.name];
      extra["authentication.kubernetes.io/pod-uid"] = [k.pod.uid];
    }
    if (k.secret) {
      const secret = this.lookups.get("secrets", k.namespace, k.secret.name);
      if (!secret || secret.metadata?.uid !== k.secret.uid || secret.metadata?.deletionTimestamp)
        return undefined;
    }
    if (typeof payload.jti === "string")
      extra["authentication.kubernetes.io/credential-id"] = [`JTI=${payload.jti}`];
    return serviceAccountUser(k.namespace, k.serviceaccount.name, k.serviceaccount.uid, extra);
  }

  private legacyUser(token: string, p: JWTPayload): UserInfo | undefined {
    const ns = String(p["kubernetes.io/serviceaccount/namespace"] ?? "");
    const secretName = String(p["kubernetes.io/serviceaccount/secret.name"] ?? "");
    const name = String(p["kubernetes.io/serviceaccount/service-account.name"] ?? "");
    const uid = String(p["kubernetes.io/serviceaccount/service-account.uid"] ?? "");
    const sa = this.lookups.get("serviceaccounts", ns, name);
    if (!sa || sa.metadata?.uid !== uid) return undefined;
    // The secret must still exist and still hold this very token.
    const secret = this.lookups.get("secrets", ns, secretName) as
      | { data?: Record<string, string> }
      | undefined;
    const stored = secret?.data?.token;
    if (!stored || Buffer.from(stored, "base64").toString("utf8") !== token) return undefined;
    return serviceAccountUser(ns, name, uid, {});
  }
}

export function serviceAccountUser(
  namespace: string,
  name: string,
  uid: string,
  extra: Record<string, string[]>,
): UserInfo {
  return {
    name: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`],
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}
