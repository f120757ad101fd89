// Authentication: verified client certificate (CN = user, O = groups), bearer tokens (static
// token file, bootstrap tokens, service account JWTs and legacy token secrets) in the
// Authorization header or, for browser WebSockets, in a subprotocol; in-process identity;
// anything else is anonymous (401 except health/version and the dashboard's static files).
import { UnauthorizedError } from "../../api/errors.ts";
import { type ApiRequest, header } from "../http/sink.ts";
import type { Authorizer } from "./authz.ts";
import { anonymousUser, authenticatedGroup, type UserInfo } from "./user.ts";

/** One way of recognising a bearer token; undefined when the token is not of its kind or unknown. */
export interface TokenAuthenticator {
  authenticateToken(
    token: string,
    audiences?: readonly string[],
  ): Promise<UserInfo | undefined> | UserInfo | undefined;
}

export interface Authenticator {
  authenticate(req: ApiRequest): Promise<UserInfo | undefined> | UserInfo | undefined;
  /** TokenReview: the user a token stands for (with the audiences it is valid for). */
  authenticateToken?(token: string, audiences?: readonly string[]): Promise<UserInfo | undefined>;
}

export interface AuthenticatorOptions {
  /** Bearer tokens (from --token-auth-file). */
  tokens?: ReadonlyMap<string, UserInfo>;
  /** Further token authenticators, tried in order after the static tokens. */
  tokenAuthenticators?: readonly TokenAuthenticator[];
}

export function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(authenticatedGroup)
    ? user
    : { ...user, groups: [...user.groups, authenticatedGroup] };
}

export function staticTokens(tokens: ReadonlyMap<string, UserInfo>): TokenAuthenticator {
  return { authenticateToken: (token) => tokens.get(token) };
}

export function createAuthenticator(options: AuthenticatorOptions = {}): Authenticator {
  const chain = [
    ...(options.tokens ? [staticTokens(options.tokens)] : []),
    ...(options.tokenAuthenticators ?? []),
  ];
  const byToken = async (token: string, audiences?: readonly string[]): Promise<UserInfo | undefined> => {
    for (const a of chain) {
      const user = await a.authenticateToken(token, audiences);
      if (user) return withAuthenticatedGroup(user);
    }
    return undefined;
  };
  const fromCertificate = (req: ApiRequest): UserInfo | undefined => {
    if (!req.peerCertificate || req.peerCertificate.commonName === "") return undefined;
    return withAuthenticatedGroup({
      name: req.peerCertificate.commonName,
      groups: req.peerCertificate.organizations,
    });
  };
  return {
    authenticateToken: byToken,
    authenticate(req) {
      if (req.inProcessUser) return withAuthenticatedGroup(req.inProcessUser);
      const authz = header(req, "authorization");
      if (authz === "") {
        const cert = fromCertificate(req);
        if (cert) return cert;
        const ws = webSocketBearer(req);
        if (!ws) return undefined;
        return byToken(ws.token).then((user) => {
          if (!user) throw new UnauthorizedError();
          // The token must not travel on to the kubelet the upgrade is proxied to.
          (req.headers as Record<string, string | string[] | undefined>)[protocolHeader] =
            ws.others.join(",");
          return user;
        });
      }
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
      if (!m) {
        // Kubernetes removed basic auth in 1.19; a client still sending it gets a clear 401.
        throw new UnauthorizedError();
      }
      const token = m[1] ?? "";
      // Synchronous fast path for the static token file, the common case for scripted users.
      const fixed = options.tokens?.get(token);
      if (fixed) return withAuthenticatedGroup(fixed);
      return byToken(token).then((user) => {
        // A presented but unknown credential is an error even where anonymous would be allowed.
        if (!user) throw new UnauthorizedError();
        return user;
      });
    },
  };
}

const protocolHeader = "sec-websocket-protocol";
const bearerProtocolPrefix = "base64url.bearer.authorization.k8s.io.";

/**
 * Browsers cannot set headers on a WebSocket, so Kubernetes accepts the bearer token as the
 * subprotocol `base64url.bearer.authorization.k8s.io.<unpadded base64url token>` next to the real
 * one (e.g. v5.channel.k8s.io); undefined when the request carries none.
 */
export function webSocketBearer(req: ApiRequest): { token: string; others: string[] } | undefined {
  if (header(req, "upgrade").toLowerCase() !== "websocket") return undefined;
  if (!/(^|,)\s*upgrade\s*(,|$)/i.test(header(req, "connection"))) return undefined;
  let token: string | undefined;
  const others: string[] = [];
  for (const raw of header(req, protocolHeader).split(",")) {
    const protocol = raw.trim();
    if (protocol === "") continue;
    if (!protocol.startsWith(bearerProtocolPrefix)) {
      others.push(protocol);
      continue;
    }
    if (token !== undefined) throw new UnauthorizedError();
    const encoded = protocol.slice(bearerProtocolPrefix.length);
    if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) throw new UnauthorizedError();
    const bytes = Buffer.from(encoded, "base64url");
    const text = bytes.toString("utf8");
    // Invalid UTF-8 does not survive the round trip.
    if (!Buffer.from(text, "utf8").equals(bytes)) throw new UnauthorizedError();
    token = text;
  }
  if (token === undefined || token === "") return undefined;
  // Another subprotocol must remain to be echoed back once the token's is removed.
  if (others.length === 0) throw new UnauthorizedError();
  return { token, others };
}

/** The web dashboard's static files (its data calls are authenticated like any other). */
export function isDashboardPath(path: string): boolean {
  return path === "/dashboard" || path.startsWith("/dashboard/");
}

/**
 * Paths anonymous callers may reach (probes and the gcloud kubectl dispatcher's /version, the
 * dashboard's static files, and the cluster-info ConfigMap joining nodes discover the CA from;
 * RBAC still decides the latter).
 */
export function anonymousAllowed(path: string): boolean {
  return (
    path === "/healthz" ||
    path === "/livez" ||
    path === "/readyz" ||
    path === "/version" ||
    path === "/api/v1/namespaces/kube-public/configmaps/cluster-info" ||
    isDashboardPath(path)
  );
}

/**
 * Lets anyone GET the dashboard's static files whatever the authorization mode: they hold no
 * cluster data, and RBAC's bootstrap roles (which govern the probes) know nothing of them.
 */
export function allowDashboardAssets(authorizer: Authorizer): Authorizer {
  return {
    authorize(user, info) {
      if (
        !info.isResourceRequest &&
        (info.verb === "get" || info.verb === "head") &&
        isDashboardPath(info.path)
      )
        return;
      return authorizer.authorize(user, info);
    },
  };
}

export { anonymousUser };
