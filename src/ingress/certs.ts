// TLS for the ingress: the self-signed default certificate (served when no Ingress certificate
// matches the SNI name, like ingress-nginx's fake certificate) and a cache of secure contexts
// keyed by Secret and resourceVersion, so a routing table swap does not re-parse certificates.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";
import * as x509 from "@peculiar/x509";
import type { TlsCertificate } from "./table.ts";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface PemPair {
  cert: string;
  key: string;
}

/** A fresh ECDSA P-256 self-signed certificate (one year) for `commonName`. */
export async function selfSignedCertificate(
  commonName = "Skiff Ingress Default Certificate",
): Promise<PemPair> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(12)))
      .toString("hex")
      .replace(/^[89a-f]/, "1"),
    name: `CN=${commonName}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 365 * 24 * 3600 * 1000),
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "dns", value: "ingress.local" }]),
    ],
  });
  const der = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { cert: cert.toString("pem"), key: x509.PemConverter.encode(der, "PRIVATE KEY") };
}

export class SecureContextCache {
  private readonly contexts = new Map<string, SecureContext | Error>();

  /** The context for a certificate, or the error its PEM data gave (remembered, not retried). */
  get(c: TlsCertificate): SecureContext | Error {
    let ctx = this.contexts.get(c.source);
    if (!ctx) {
      try {
        ctx = createSecureContext({ cert: c.cert, key: c.key });
      } catch (err) {
        ctx = err instanceof Error ? err : new Error(String(err));
      }
      this.contexts.set(c.source, ctx);
    }
    return ctx;
  }

  /** Drops contexts of certificates no longer in the table. */
  retain(sources: ReadonlySet<string>): void {
    for (const k of this.contexts.keys()) if (!sources.has(k)) this.contexts.delete(k);
  }
}
