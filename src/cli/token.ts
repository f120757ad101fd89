// `skiff token create|list|delete`: bootstrap tokens (kube-system Secrets of type
// bootstrap.kubernetes.io/token) for joining nodes, managed with the admin kubeconfig. `create`
// also publishes what joining nodes discover, like `kubeadm init`: the kube-public/cluster-info
// ConfigMap (server and CA, signed per token by the bootstrap signer) readable anonymously.
import { randomInt } from "node:crypto";
import { join } from "node:path";
import type { Command } from "commander";
import type { ConfigMap, Namespace, Secret } from "kubernetes-types/core/v1.js";
import type { Role, RoleBinding } from "kubernetes-types/rbac/v1.js";
import { stringify } from "yaml";
import { AlreadyExistsError, NotFoundError } from "../api/errors.ts";
import { HttpsTransport } from "../client/https-transport.ts";
import { type ClusterConnection, loadKubeconfig } from "../client/kubeconfig.ts";
import type { ResourceCoords } from "../client/paths.ts";
import { RestClient } from "../client/rest.ts";
import { caCertHash } from "../kubelet/bootstrap/trust.ts";
import { UsageError } from "./usage.ts";

const core = (resource: string, kind: string, namespaced = true): ResourceCoords => ({
  group: "",
  version: "v1",
  resource,
  namespaced,
  kind,
});
const rbac = (resource: string, kind: string): ResourceCoords => ({
  group: "rbac.authorization.k8s.io",
  version: "v1",
  resource,
  namespaced: true,
  kind,
});

export const defaultNodeTokenGroup = "system:bootstrappers:skiff:default-node-token";
const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

export interface TokenFlags {
  dataDir: string;
  kubeconfig?: string;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`24h`, `1h30m`, `90s`, `0`) in milliseconds. */
export function parseDuration(text: string): number {
  if (text === "0") return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text)
    throw new Error(`invalid duration "${text}"`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? ""] ?? 0), 0);
}

function randomString(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

function admin(flags: TokenFlags): { conn: ClusterConnection; client: RestClient } {
  const file = flags.kubeconfig ?? join(flags.dataDir, "kubeconfig");
  let conn: ClusterConnection;
  try {
    conn = loadKubeconfig(file);
  } catch (err) {
    throw new UsageError(
      `cannot read the admin kubeconfig ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return {
    conn,
    client: new RestClient({ transport: new HttpsTransport({ connection: conn, maxSockets: 2 }) }),
  };
}

async function createIfMissing<T extends { metadata?: { name?: string; namespace?: string } }>(
  client: RestClient,
  def: ResourceCoords,
  obj: T,
): Promise<void> {
  try {
    await client.resource(def).create(obj);
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
  }
}

/** kubeadm's cluster-info kubeconfig: one nameless cluster with the server and the CA, no users. */
export function clusterInfoKubeconfig(server: string, ca: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "", cluster: { "certificate-authority-data": Buffer.from(ca).toString("base64"), server } },
    ],
    contexts: null,
    "current-context": "",
    preferences: {},
    users: null,
  });
}

/** The ConfigMap, and the Role/RoleBinding that let anyone read just it (kubeadm's names). */
export async function publishClusterInfo(client: RestClient, server: string, ca: string): Promise<void> {
  const ns = "kube-public";
  await createIfMissing<Namespace>(client, core("namespaces", "Namespace", false), {
    metadata: { name: ns },
  });
  const kubeconfig = clusterInfoKubeconfig(server, ca);
  const configMaps = client.resource<ConfigMap>(core("configmaps", "ConfigMap"));
  try {
    const cm = await configMaps.get("cluster-info", { namespace: ns });
    if (cm.data?.kubeconfig !== kubeconfig) {
      // A changed server or CA: the old signatures are void; the signer adds new ones.
      await configMaps.update({ ...cm, data: { kubeconfig } });
    }
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    await createIfMissing<ConfigMap>(client, core("configmaps", "ConfigMap"), {
      metadata: { name: "cluster-info", namespace: ns },
      data: { kubeconfig },
    });
  }
  const name = "kubeadm:bootstrap-signer-clusterinfo";
  await createIfMissing<Role>(client, rbac("roles", "Role"), {
    metadata: { name, namespace: ns },
    rules: [{ apiGroups: [""], resources: ["configmaps"], resourceNames: ["cluster-info"], verbs: ["get"] }],
  });
  await createIfMissing<RoleBinding>(client, rbac("rolebindings", "RoleBinding"), {
    metadata: { name, namespace: ns },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
    subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "system:anonymous" }],
  });
}

export interface CreateTokenOptions {
  ttl: string;
  description?: string;
  groups: string[];
  /** The URL nodes join at (default: the admin kubeconfig's server). */
  server?: string;
  now?: Date;
}

export function tokenSecret(id: string, secret: string, o: CreateTokenOptions): Secret {
  const ttlMs = parseDuration(o.ttl);
  const now = o.now ?? new Date();
  const data: Record<string, string> = {
    "token-id": id,
    "token-secret": secret,
    "usage-bootstrap-authentication": "true",
    "usage-bootstrap-signing": "true",
    "auth-extra-groups": o.groups.join(","),
    ...(ttlMs > 0
      ? { expiration: new Date(now.getTime() + ttlMs).toISOString().replace(/\.\d+Z$/, "Z") }
      : {}),
    ...(o.description ? { description: o.description } : {}),
  };
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: `bootstrap-token-${id}`, namespace: "kube-system" },
    type: "bootstrap.kubernetes.io/token",
    stringData: data,
  };
}

export async function createToken(
  flags: TokenFlags,
  o: CreateTokenOptions,
): Promise<{ token: string; joinCommand: string }> {
  for (const g of o.groups) {
    if (!/^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/.test(g))
      throw new UsageError(`group "${g}" must start with system:bootstrappers: (kubeadm's rule)`);
  }
  try {
    parseDuration(o.ttl);
  } catch {
    throw new UsageError(`--ttl ${o.ttl} is not a duration like 24h, 30m or 0 (never expires)`);
  }
  const { conn, client } = admin(flags);
  try {
    if (!conn.ca)
      throw new UsageError(
        "the admin kubeconfig has no certificate-authority: nodes could not verify the server",
      );
    const server = (o.server ?? conn.server).replace(/\/+$/, "");
    await publishClusterInfo(client, server, conn.ca);
    const id = randomString(6);
    const secret = randomString(16);
    await client.resource<Secret>(core("secrets", "Secret")).create(tokenSecret(id, secret, o));
    const token = `${id}.${secret}`;
    return {
      token,
      joinCommand: `skiff agent --server ${server} --token ${token} --ca-cert-hash ${caCertHash(conn.ca)}`,
    };
  } finally {
    client.close();
  }
}

function decoded(s: Secret, key: string): string {
  const v = s.data?.[key];
  return v === undefined ? "" : Buffer.from(v, "base64").toString("utf8");
}

function ttlColumn(expiration: string, now: Date): string {
  if (expiration === "") return "<forever>";
  const ms = Date.parse(expiration) - now.getTime();
  if (!(ms > 0)) return "<invalid>";
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return h >= 1 ? `${h}h` : `${Math.max(m, 1)}m`;
}

/** kubeadm token list's table. */
export async function listTokens(flags: TokenFlags, now = new Date()): Promise<string> {
  const { client } = admin(flags);
  try {
    const list = await client.resource<Secret>(core("secrets", "Secret")).list({ namespace: "kube-system" });
    const rows = [["TOKEN", "TTL", "EXPIRES", "USAGES", "DESCRIPTION", "EXTRA GROUPS"]];
    for (const s of list.items) {
      if (s.type !== "bootstrap.kubernetes.io/token") continue;
      const usages = ["authentication", "signing"].filter(
        (u) => decoded(s, `usage-bootstrap-${u}`) === "true",
      );
      const expiration = decoded(s, "expiration");
      rows.push([
        `${decoded(s, "token-id")}.${decoded(s, "token-secret")}`,
        ttlColumn(expiration, now),
        expiration || "<never>",
        usages.join(",") || "<none>",
        decoded(s, "description") || "<none>",
        decoded(s, "auth-extra-groups") || "<none>",
      ]);
    }
    const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
    return rows
      .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join(""))
      .join("\n");
  } finally {
    client.close();
  }
}

export async function deleteToken(flags: TokenFlags, idOrToken: string): Promise<string> {
  const id = idOrToken.split(".")[0] ?? "";
  if (!/^[a-z0-9]{6}$/.test(id)) throw new UsageError(`"${idOrToken}" is neither a token id nor a token`);
  const { client } = admin(flags);
  try {
    await client
      .resource(core("secrets", "Secret"))
      .delete(`bootstrap-token-${id}`, { namespace: "kube-system" });
    return `bootstrap token "${id}" deleted`;
  } catch (err) {
    if (err instanceof NotFoundError) throw new UsageError(`bootstrap token "${id}" not found`);
    throw err;
  } finally {
    client.close();
  }
}

export function registerToken(program: Command): void {
  const token = program.command("token").description("manage bootstrap tokens with which nodes join");
  const common = (c: Command) =>
    c
      .option("--data-dir <dir>", "server data dir whose admin kubeconfig to use", "./.skiff")
      .option("--kubeconfig <file>", "admin kubeconfig (default <data-dir>/kubeconfig)");
  common(
    token
      .command("create")
      .description("create a bootstrap token and print the command that joins a node with it")
      .option("--ttl <duration>", "lifetime of the token (0: never expires)", "24h")
      .option("--description <text>", "a note kept with the token")
      .option("--groups <groups>", "extra groups the token authenticates as", defaultNodeTokenGroup)
      .option("--server <url>", "URL nodes join at (default: the kubeconfig's server)")
      .option("--print-join-command", "print the `skiff agent` join command (the default)")
      .option("--token-only", "print only the token (kubeadm's output)"),
  ).action(
    async (
      opts: TokenFlags & {
        ttl: string;
        description?: string;
        groups: string;
        server?: string;
        printJoinCommand?: boolean;
        tokenOnly?: boolean;
      },
    ) => {
      const created = await createToken(opts, {
        ttl: opts.ttl,
        groups: opts.groups
          .split(",")
          .map((g) => g.trim())
          .filter((g) => g !== ""),
        ...(opts.description ? { description: opts.description } : {}),
        ...(opts.server ? { server: opts.server } : {}),
      });
      process.stdout.write(`${opts.tokenOnly ? created.token : created.joinCommand}\n`);
    },
  );
  common(token.command("list").description("list bootstrap tokens")).action(async (opts: TokenFlags) => {
    process.stdout.write(`${await listTokens(opts)}\n`);
  });
  common(
    token
      .command("delete")
      .description("delete a bootstrap token")
      .argument("<id>", "token id or whole token"),
  ).action(async (id: string, opts: TokenFlags) => {
    process.stdout.write(`${await deleteToken(opts, id)}\n`);
  });
}
