// Bootstrap tokens (`<id>.<secret>`): kube-system Secrets `bootstrap-token-<id>` of type
// bootstrap.kubernetes.io/token authenticate as system:bootstrap:<id> in system:bootstrappers
// (plus their auth-extra-groups) until their expiration.
import { timingSafeEqual } from "node:crypto";
import type { TokenAuthenticator } from "../authn.ts";
import type { UserInfo } from "../user.ts";
import type { TokenLookups } from "./tokens.ts";

const tokenPattern = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;

function field(data: Record<string, string> | undefined, key: string): string {
  const v = data?.[key];
  return v === undefined ? "" : Buffer.from(v, "base64").toString("utf8");
}

export function bootstrapTokenAuthenticator(
  lookups: TokenLookups,
  now: () => Date = () => new Date(),
): TokenAuthenticator {
  return {
    authenticateToken(token): UserInfo | undefined {
      const m = tokenPattern.exec(token);
      if (!m) return undefined;
      const [, id = "", secret = ""] = m;
      const obj = lookups.get("secrets", "kube-system", `bootstrap-token-${id}`) as
        | { type?: string; data?: Record<string, string>; metadata?: { deletionTimestamp?: string } }
        | undefined;
      if (obj?.type !== "bootstrap.kubernetes.io/token" || obj.metadata?.deletionTimestamp) return undefined;
      const data = obj.data;
      const stored = Buffer.from(field(data, "token-secret"));
      const given = Buffer.from(secret);
      if (
        field(data, "token-id") !== id ||
        stored.length !== given.length ||
        !timingSafeEqual(stored, given)
      ) {
        return undefined;
      }
      if (field(data, "usage-bootstrap-authentication") !== "true") return undefined;
      const expiration = field(data, "expiration");
      if (expiration !== "" && !(Date.parse(expiration) > now().getTime())) return undefined;
      const extra = field(data, "auth-extra-groups")
        .split(",")
        .map((g) => g.trim())
        .filter((g) => g.startsWith("system:bootstrappers:"));
      return { name: `system:bootstrap:${id}`, groups: ["system:bootstrappers", ...extra] };
    },
  };
}
