// Authentication: verified client certificate (CN = user, O = groups), bearer tokens (static
// token file, bootstrap tokens, service account JWTs and legacy token secrets), in-process
// identity; anything else is anonymous (401 except health/version).
import { UnauthorizedError } from "../../api/errors.ts";
import { type ApiRequest, header } from "../http/sink.ts";
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
      if (authz === "") return fromCertificate(req);
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

/**
 * Paths anonymous callers may reach (probes and the gcloud kubectl dispatcher's /version, and the
 * cluster-info ConfigMap joining nodes discover the CA from; RBAC still decides the latter).
 */
export function anonymousAllowed(path: string): boolean {
  return (
    path === "/healthz" ||
    path === "/livez" ||
    path === "/readyz" ||
    path === "/version" ||
    path === "/api/v1/namespaces/kube-public/configmaps/cluster-info"
  );
}

export { anonymousUser };
