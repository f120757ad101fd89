// `skiff server --secrets-encryption`: an EncryptionConfiguration Skiff keeps itself in the data
// dir (AES-GCM for Secrets, identity after it so plain values written earlier stay readable
// until the start-up rewrite). Rotation puts a new key first; once the server has rewritten
// every value under it at start, the older keys are dropped from the file.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { EncryptionConfigError, parseEncryptionConfig } from "./config.ts";

interface NamedSecret {
  name: string;
  secret: string;
}

interface ManagedConfig {
  apiVersion: string;
  kind: string;
  resources: {
    resources: string[];
    providers: ({ aesgcm: { keys: NamedSecret[] } } | { identity: object })[];
  }[];
}

export function managedConfigPath(dataDir: string): string {
  return join(dataDir, "encryption-config.yaml");
}

function newKey(now: Date): NamedSecret {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return {
    name: `aesgcm-${stamp}-${randomBytes(3).toString("hex")}`,
    secret: randomBytes(32).toString("base64"),
  };
}

function write(path: string, config: ManagedConfig): void {
  parseEncryptionConfig(stringify(config)); // never leave a file the server would refuse
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, stringify(config), { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function read(path: string): ManagedConfig {
  const config = parse(readFileSync(path, "utf8")) as ManagedConfig;
  const keys = aesgcmKeys(config);
  if (!keys)
    throw new EncryptionConfigError(`${path} is not a configuration skiff --secrets-encryption wrote`);
  return config;
}

function aesgcmKeys(config: ManagedConfig): NamedSecret[] | undefined {
  const first = config?.resources?.[0]?.providers?.[0];
  return first && "aesgcm" in first ? first.aesgcm.keys : undefined;
}

/** The managed config's path, written with one fresh key when it does not exist yet. */
export function ensureManagedConfig(dataDir: string, now = new Date()): string {
  const path = managedConfigPath(dataDir);
  if (existsSync(path)) {
    read(path);
    return path;
  }
  write(path, {
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "EncryptionConfiguration",
    resources: [
      { resources: ["secrets"], providers: [{ aesgcm: { keys: [newKey(now)] } }, { identity: {} }] },
    ],
  });
  return path;
}

/** Puts a new key first (it encrypts from the next start on); the older keys still decrypt. */
export function rotateManagedKeys(dataDir: string, now = new Date()): { added: string; keys: number } {
  const path = managedConfigPath(dataDir);
  if (!existsSync(path)) {
    throw new EncryptionConfigError(
      `${path} does not exist: start skiff server with --secrets-encryption first`,
    );
  }
  const config = read(path);
  const keys = aesgcmKeys(config) ?? [];
  const key = newKey(now);
  keys.unshift(key);
  write(path, config);
  return { added: key.name, keys: keys.length };
}

/** After the start-up rewrite every value uses the first key: the others are dropped. */
export function pruneManagedKeys(path: string): string[] {
  const config = read(path);
  const keys = aesgcmKeys(config) ?? [];
  const dropped = keys.splice(1).map((k) => k.name);
  if (dropped.length > 0) write(path, config);
  return dropped;
}
