// `--encryption-provider-config`: an apiserver.config.k8s.io/v1 EncryptionConfiguration, each
// entry naming resources (`secrets`, `deployments.apps`, `*.apps`, `*.*`) and the providers
// that encrypt them (the first writes, all read).
import { parse } from "yaml";
import {
  aescbcProvider,
  aesgcmProvider,
  identityProvider,
  type NamedKey,
  type Provider,
  secretboxProvider,
} from "./providers.ts";

export interface EncryptionRule {
  /** Patterns as written: resource.group, with `*` for either part. */
  resources: string[];
  providers: Provider[];
}

export class EncryptionConfigError extends Error {
  override name = "EncryptionConfigError";
}

function keysOf(kind: string, value: unknown, at: string, sizes = [16, 24, 32]): NamedKey[] {
  const keys = (value as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new EncryptionConfigError(`${at}.${kind}.keys: at least one key is required`);
  return keys.map((k, i) => {
    const { name, secret } = (k ?? {}) as { name?: unknown; secret?: unknown };
    if (typeof name !== "string" || name === "")
      throw new EncryptionConfigError(`${at}.${kind}.keys[${i}].name: required`);
    const bytes = typeof secret === "string" ? Buffer.from(secret, "base64") : Buffer.alloc(0);
    if (!sizes.includes(bytes.length)) {
      throw new EncryptionConfigError(
        `${at}.${kind}.keys[${i}].secret: secret is not of the expected length, got ${bytes.length}, expected one of [${sizes.join(" ")}]`,
      );
    }
    return { name, secret: bytes };
  });
}

function provider(entry: unknown, at: string): Provider {
  const record = (entry ?? {}) as Record<string, unknown>;
  const kinds = Object.keys(record);
  if (kinds.length !== 1) throw new EncryptionConfigError(`${at}: exactly one provider must be set`);
  const kind = kinds[0] ?? "";
  switch (kind) {
    case "identity":
      return identityProvider;
    case "aescbc":
      return aescbcProvider(keysOf(kind, record[kind], at));
    case "aesgcm":
      return aesgcmProvider(keysOf(kind, record[kind], at));
    case "secretbox":
      return secretboxProvider(keysOf(kind, record[kind], at, [32]));
    default:
      // kms needs a plugin over gRPC that Skiff does not talk to.
      throw new EncryptionConfigError(
        `${at}: provider ${kind} is not supported (use aescbc, aesgcm, secretbox or identity)`,
      );
  }
}

export function parseEncryptionConfig(text: string): EncryptionRule[] {
  const doc = parse(text) as { apiVersion?: string; kind?: string; resources?: unknown } | null;
  if (doc?.kind !== "EncryptionConfiguration" || doc.apiVersion !== "apiserver.config.k8s.io/v1") {
    throw new EncryptionConfigError(
      "expected apiVersion apiserver.config.k8s.io/v1, kind EncryptionConfiguration",
    );
  }
  if (!Array.isArray(doc.resources)) throw new EncryptionConfigError("resources: required");
  return doc.resources.map((r, i) => {
    const at = `resources[${i}]`;
    const { resources, providers } = (r ?? {}) as { resources?: unknown; providers?: unknown };
    if (!Array.isArray(resources) || resources.length === 0)
      throw new EncryptionConfigError(`${at}.resources: required`);
    if (!Array.isArray(providers) || providers.length === 0)
      throw new EncryptionConfigError(`${at}.providers: required`);
    return {
      resources: resources.map(String),
      providers: providers.map((p, j) => provider(p, `${at}.providers[${j}]`)),
    };
  });
}

/** Whether a pattern names the resource: `secrets`, `deployments.apps`, `*.apps`, `*.` (core), `*.*`. */
export function patternMatches(pattern: string, group: string, resource: string): boolean {
  if (pattern === "*.*") return true;
  const dot = pattern.indexOf(".");
  const res = dot < 0 ? pattern : pattern.slice(0, dot);
  const grp = dot < 0 ? "" : pattern.slice(dot + 1);
  return (res === "*" || res === resource) && grp === group;
}
