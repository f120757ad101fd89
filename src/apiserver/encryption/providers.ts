// Encryption providers of EncryptionConfiguration, with Kubernetes' stored prefix
// `k8s:enc:<provider>:v1:<key name>:`. aescbc: IV then AES-CBC (PKCS#7); aesgcm: nonce then
// AES-GCM with the storage key as additional data; secretbox: 24-byte nonce then the NaCl box. The Store keeps text, so the binary part
// after the prefix is base64 (etcd upstream holds the raw bytes).
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { secretboxOpen, secretboxSeal } from "./secretbox.ts";

export interface Provider {
  /** The provider's prefix for its first key; what `encrypt` writes. */
  readonly name: string;
  /** Undefined when the value is not this provider's (another prefix). */
  decrypt(value: string, key: string): string | undefined;
  encrypt(value: string, key: string): string;
  /** Whether a value this provider reads was written with its first key (else: stale, rewrite). */
  current(value: string): boolean;
}

export const encryptedPrefix = "k8s:enc:";

export interface NamedKey {
  name: string;
  secret: Buffer;
}

function aes(kind: "aescbc" | "aesgcm", keys: readonly NamedKey[]): Provider {
  const first = keys[0];
  if (!first) throw new Error(`${kind}: at least one key is required`);
  const prefixOf = (k: NamedKey) => `${encryptedPrefix}${kind}:v1:${k.name}:`;
  const algorithm = (k: NamedKey) =>
    kind === "aescbc" ? `aes-${k.secret.length * 8}-cbc` : `aes-${k.secret.length * 8}-gcm`;
  return {
    name: kind,
    encrypt(value, key) {
      if (kind === "aescbc") {
        const iv = randomBytes(16);
        const c = createCipheriv(algorithm(first), first.secret, iv);
        return prefixOf(first) + Buffer.concat([iv, c.update(value, "utf8"), c.final()]).toString("base64");
      }
      const nonce = randomBytes(12);
      const c = createCipheriv(algorithm(first) as "aes-256-gcm", first.secret, nonce);
      c.setAAD(Buffer.from(key, "utf8"));
      const body = Buffer.concat([c.update(value, "utf8"), c.final()]);
      return prefixOf(first) + Buffer.concat([nonce, body, c.getAuthTag()]).toString("base64");
    },
    decrypt(value, key) {
      const k = keys.find((x) => value.startsWith(prefixOf(x)));
      if (!k) return undefined;
      const raw = Buffer.from(value.slice(prefixOf(k).length), "base64");
      if (kind === "aescbc") {
        const d = createDecipheriv(algorithm(k), k.secret, raw.subarray(0, 16));
        return Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString("utf8");
      }
      const d = createDecipheriv(algorithm(k) as "aes-256-gcm", k.secret, raw.subarray(0, 12));
      d.setAAD(Buffer.from(key, "utf8"));
      d.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString("utf8");
    },
    current: (value) => value.startsWith(prefixOf(first)),
  };
}

export function secretboxProvider(keys: readonly NamedKey[]): Provider {
  const first = keys[0];
  if (!first) throw new Error("secretbox: at least one key is required");
  const prefixOf = (k: NamedKey) => `${encryptedPrefix}secretbox:v1:${k.name}:`;
  return {
    name: "secretbox",
    encrypt(value) {
      const nonce = randomBytes(24);
      const box = secretboxSeal(Buffer.from(value, "utf8"), nonce, first.secret);
      return prefixOf(first) + Buffer.concat([nonce, box]).toString("base64");
    },
    decrypt(value) {
      const k = keys.find((x) => value.startsWith(prefixOf(x)));
      if (!k) return undefined;
      const raw = Buffer.from(value.slice(prefixOf(k).length), "base64");
      const plain = secretboxOpen(raw.subarray(24), raw.subarray(0, 24), k.secret);
      if (!plain) throw new Error(`secretbox: the value under key ${k.name} does not authenticate`);
      return plain.toString("utf8");
    },
    current: (value) => value.startsWith(prefixOf(first)),
  };
}

export const aescbcProvider = (keys: readonly NamedKey[]) => aes("aescbc", keys);
export const aesgcmProvider = (keys: readonly NamedKey[]) => aes("aesgcm", keys);

/** Plain text: reads anything without the encrypted prefix. */
export const identityProvider: Provider = {
  name: "identity",
  encrypt: (value) => value,
  decrypt: (value) => (value.startsWith(encryptedPrefix) ? undefined : value),
  current: (value) => !value.startsWith(encryptedPrefix),
};
