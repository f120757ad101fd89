// The service account signing key: an RSA key pair generated once and kept in <data-dir>/pki
// (sa.key, sa.pub), its key id derived from the public key as kube-apiserver does.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** `kid`: base64url of the SHA-256 of the DER public key. */
  keyId: string;
}

export function ensureSigningKey(dataDir: string): SigningKey {
  const dir = join(dataDir, "pki");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, "sa.key");
  if (!existsSync(keyPath)) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    writeFileSync(keyPath, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    writeFileSync(join(dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }), { mode: 0o644 });
  }
  const pem = readFileSync(keyPath, "utf8");
  const publicKey = createPublicKey(pem);
  const der = publicKey.export({ type: "spki", format: "der" });
  const keyId = createHash("sha256").update(der).digest("base64url");
  return { privateKey: createPrivateKey(pem), publicKey, keyId };
}

/** An in-memory key for tests and benchmarks. */
export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const keyId = createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("base64url");
  return { privateKey, publicKey, keyId };
}
