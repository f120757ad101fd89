// Authentication: verified client certificate (CN = user, O = groups), bearer token from the
// static token file, in-process identity; anything else is anonymous (401 except health/version).
import { UnauthorizedError } from "../../api/errors.ts";
import { type ApiRequest, header } from "../http/sink.ts";
import { anonymousUser, type UserInfo } from "./user.ts";

export interface Authenticator {
  authenticate(req: ApiRequest): UserInfo | undefined;
}

export interface AuthenticatorOptions {
  /** Bearer tokens (from --token-auth-file). */
  tokens?: ReadonlyMap<string, UserInfo>;
}

const authenticated = "system:authenticated";

function withAuthenticatedGroup(user: UserInfo): UserInfo {
  return user.groups.includes(authenticated) ? user : { ...user, groups: [...user.groups, authenticated] };
}

export function createAuthenticator(options: AuthenticatorOptions = {}): Authenticator {
  return {
    authenticate(req) {
      if (req.inProcessUser) return withAuthenticatedGroup(req.inProcessUser);
      const authz = header(req, "authorization");
      if (authz !== "") {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
        const user = m ? options.tokens?.get(m[1] ?? "") : undefined;
        // A presented but unknown credential is an error even where anonymous would be allowed.
        if (!user) throw new UnauthorizedError();
        return withAuthenticatedGroup(user);
      }
      if (req.peerCertificate && req.peerCertificate.commonName !== "") {
        return withAuthenticatedGroup({
          name: req.peerCertificate.commonName,
          groups: req.peerCertificate.organizations,
        });
      }
      return undefined;
    },
  };
}

/** Paths anonymous callers may read (probes and the gcloud kubectl dispatcher's /version). */
export function anonymousAllowed(path: string): boolean {
  return path === "/healthz" || path === "/livez" || path === "/readyz" || path === "/version";
}

export { anonymousUser };
