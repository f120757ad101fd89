// The credentials the API server presents to webhooks (WebhookAdmissionConfiguration's
// kubeConfigFile): a kubeconfig whose users are named after webhook hosts, looked up as upstream's
// AuthenticationInfoResolver does — exact host[:port], then `*.`-prefixed parents, then the same
// without a :443 port, then `*`, then the current context's user; otherwise none.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";

export interface ClientCredentials {
  cert?: string;
  key?: string;
  token?: string;
}

/** host[:port] (a URL's host, or `<service>.<namespace>.svc:<port>`) → what to present. */
export type CredentialResolver = (target: string) => ClientCredentials | undefined;

export class WebhookKubeconfigError extends Error {
  override name = "WebhookKubeconfigError";
}

interface UserEntry {
  name?: string;
  user?: Record<string, unknown>;
}

function credentialsOf(user: Record<string, unknown>, base: string, name: string): ClientCredentials {
  const file = (field: string): string | undefined => {
    const v = user[field];
    if (typeof v !== "string" || v === "") return undefined;
    try {
      return readFileSync(isAbsolute(v) ? v : resolve(base, v), "utf8");
    } catch (err) {
      throw new WebhookKubeconfigError(`user "${name}": cannot read ${field} ${v}: ${String(err)}`);
    }
  };
  const data = (field: string): string | undefined =>
    typeof user[field] === "string"
      ? Buffer.from(user[field] as string, "base64").toString("utf8")
      : undefined;
  if (user.username !== undefined || user.password !== undefined)
    throw new WebhookKubeconfigError(
      `user "${name}": basic authentication is not supported (removed in Kubernetes 1.19)`,
    );
  const cert = data("client-certificate-data") ?? file("client-certificate");
  const key = data("client-key-data") ?? file("client-key");
  if ((cert === undefined) !== (key === undefined))
    throw new WebhookKubeconfigError(
      `user "${name}": a client certificate needs its key and a key its certificate`,
    );
  const token = typeof user.token === "string" && user.token !== "" ? user.token : file("tokenFile")?.trim();
  return {
    ...(cert !== undefined && key !== undefined ? { cert, key } : {}),
    ...(token !== undefined ? { token } : {}),
  };
}

export function parseWebhookKubeconfig(text: string, file: string): CredentialResolver {
  const doc = (parse(text) ?? {}) as {
    users?: UserEntry[];
    contexts?: { name?: string; context?: { user?: string } }[];
    "current-context"?: string;
  };
  const base = dirname(resolve(file));
  const users = new Map<string, ClientCredentials>();
  for (const u of doc.users ?? []) {
    if (u.name) users.set(u.name, credentialsOf(u.user ?? {}, base, u.name));
  }
  const current = (doc.contexts ?? []).find((c) => c.name === doc["current-context"])?.context?.user;
  const lookup = (target: string): ClientCredentials | undefined => {
    const exact = users.get(target);
    if (exact) return exact;
    const steps = target.split(".");
    for (let i = 1; i < steps.length; i++) {
      const star = users.get(`*.${steps.slice(i).join(".")}`);
      if (star) return star;
    }
    return undefined;
  };
  return (target) => {
    const found = lookup(target) ?? (target.endsWith(":443") ? lookup(target.slice(0, -4)) : undefined);
    return found ?? users.get("*") ?? (current !== undefined ? users.get(current) : undefined);
  };
}

export function loadWebhookKubeconfig(file: string): CredentialResolver {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new WebhookKubeconfigError(`cannot read webhook kubeconfig ${file}: ${String(err)}`);
  }
  return parseWebhookKubeconfig(text, file);
}
