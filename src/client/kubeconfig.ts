// Loads the connection settings of one context from a kubeconfig file: server URL, CA, client
// certificate/key or bearer token. Only the fields Skiff's own kubeconfigs and kubectl's common
// ones use; exec/auth-provider plugins are not supported.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse } from "yaml";
import { isPlainObject } from "../api/object.ts";

export interface ClusterConnection {
  /** `https://host:port` without a trailing slash. */
  server: string;
  /** PEM; absent means the system trust store. */
  ca?: string;
  /** PEM client certificate and key for mTLS. */
  cert?: string;
  key?: string;
  token?: string;
  insecureSkipTlsVerify?: boolean;
  /** From the context; "default" when unset. */
  namespace: string;
}

export class KubeconfigError extends Error {
  override name = "KubeconfigError";
}

type Dict = Record<string, unknown>;

function named(list: unknown, name: string, what: string, file: string): Dict {
  const entries = Array.isArray(list) ? list : [];
  const entry = entries.find((e) => isPlainObject(e) && e.name === name);
  const inner = isPlainObject(entry) ? entry[what] : undefined;
  if (!isPlainObject(inner)) throw new KubeconfigError(`${file}: no ${what} named "${name}"`);
  return inner;
}

function str(d: Dict, key: string): string | undefined {
  const v = d[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** Inline `*-data` (base64) wins over the file path, which is relative to the kubeconfig. */
function material(d: Dict, field: string, base: string): string | undefined {
  const data = str(d, `${field}-data`);
  if (data) return Buffer.from(data, "base64").toString("utf8");
  const path = str(d, field);
  if (path) return readFileSync(isAbsolute(path) ? path : resolve(base, path), "utf8");
  return undefined;
}

/** Parses kubeconfig text; `file` names it in errors and anchors relative paths. */
export function parseKubeconfig(text: string, file: string, context?: string): ClusterConnection {
  const doc: unknown = parse(text);
  if (!isPlainObject(doc)) throw new KubeconfigError(`${file}: not a kubeconfig`);
  const contextName = context ?? str(doc, "current-context");
  if (!contextName) throw new KubeconfigError(`${file}: no current-context`);
  const ctx = named(doc.contexts, contextName, "context", file);
  const clusterName = str(ctx, "cluster");
  if (!clusterName) throw new KubeconfigError(`${file}: context "${contextName}" names no cluster`);
  const cluster = named(doc.clusters, clusterName, "cluster", file);
  const userName = str(ctx, "user");
  const user = userName ? named(doc.users, userName, "user", file) : {};
  const server = str(cluster, "server");
  if (!server) throw new KubeconfigError(`${file}: cluster "${clusterName}" has no server`);
  const base = dirname(file);
  const ca = material(cluster, "certificate-authority", base);
  const cert = material(user, "client-certificate", base);
  const key = material(user, "client-key", base);
  const tokenFile = str(user, "tokenFile");
  const token =
    str(user, "token") ??
    (tokenFile
      ? readFileSync(isAbsolute(tokenFile) ? tokenFile : resolve(base, tokenFile), "utf8").trim()
      : undefined);
  return {
    server: server.replace(/\/+$/, ""),
    namespace: str(ctx, "namespace") ?? "default",
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(token ? { token } : {}),
    ...(cluster["insecure-skip-tls-verify"] === true ? { insecureSkipTlsVerify: true } : {}),
  };
}

export function loadKubeconfig(file: string, context?: string): ClusterConnection {
  return parseKubeconfig(readFileSync(file, "utf8"), file, context);
}
