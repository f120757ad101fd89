// The kubelet's serving certificate: self-signed and kept in the node's data dir, as a kubelet
// without a serving-cert CSR does (the API server does not verify it unless configured to).
import { webcrypto } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * @peculiar/x509 (with reflect-metadata and its ASN.1 schemas) holds ~2.4 MB of heap once loaded:
 * an agent whose certificate is on disk never loads it.
 */
async function loadX509(): Promise<typeof import("@peculiar/x509")> {
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  return x509;
}

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

export interface ServingCert {
  cert: string;
  key: string;
}

async function create(nodeName: string, addresses: readonly string[]): Promise<ServingCert> {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const ips = addresses.filter((a) => /^[\d.]+$|:/.test(a));
  const dns = [nodeName, ...addresses.filter((a) => !ips.includes(a))];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
      .toString("hex")
      .replace(/^[89a-f]/, "1"),
    name: `CN=${nodeName}@${Math.floor(now / 1000)}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600 * 1000),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension(
        [
          ...dns.map((value) => ({ type: "dns" as const, value })),
          ...ips.map((value) => ({ type: "ip" as const, value })),
        ],
        false,
      ),
    ],
  });
  const der = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { cert: cert.toString("pem"), key: x509.PemConverter.encode(der, "PRIVATE KEY") };
}

/** Loads `<dir>/kubelet.crt|key`, creating them on first use. */
export async function ensureServingCert(
  dir: string,
  nodeName: string,
  addresses: readonly string[],
): Promise<ServingCert> {
  const certPath = join(dir, "kubelet.crt");
  const keyPath = join(dir, "kubelet.key");
  if (existsSync(certPath) && existsSync(keyPath)) {
    return { cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pair = await create(nodeName, addresses);
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  return pair;
}
