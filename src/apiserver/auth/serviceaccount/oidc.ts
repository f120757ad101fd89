// Service account issuer discovery: /.well-known/openid-configuration and /openid/v1/jwks, so
// relying parties can verify the server's service account tokens.
import { exportJWK } from "jose";
import type { PathHandler } from "../../handler.ts";
import { writeJson } from "../../http/respond.ts";
import type { SigningKey } from "./keys.ts";

export function oidcPathHandler(key: SigningKey, issuer: string, serverUrl: () => string): PathHandler {
  let jwks: Promise<Record<string, unknown>> | undefined;
  return async (req, res, url) => {
    const path = url.pathname.replace(/\/+$/, "");
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (path === "/.well-known/openid-configuration") {
      writeJson(res, 200, {
        issuer,
        jwks_uri: `${serverUrl()}/openid/v1/jwks`,
        response_types_supported: ["id_token"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
      });
      return true;
    }
    if (path === "/openid/v1/jwks") {
      jwks ??= exportJWK(key.publicKey).then((jwk) => ({
        keys: [{ ...jwk, use: "sig", kid: key.keyId, alg: "RS256" }],
      }));
      writeJson(res, 200, await jwks, "application/jwk-set+json");
      return true;
    }
    return false;
  };
}
