// Issuing certificates for CertificateSigningRequests with the cluster CA: the PKCS#10 request is
// parsed and its signature checked, the signer's rules applied (Kubernetes' built-in signers:
// kube-apiserver-client, kube-apiserver-client-kubelet, kubelet-serving), and a certificate
// valid for the requested duration (default one year, never past the CA) is returned as PEM.
import { webcrypto } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export const signers = {
  client: "kubernetes.io/kube-apiserver-client",
  kubeletClient: "kubernetes.io/kube-apiserver-client-kubelet",
  kubeletServing: "kubernetes.io/kubelet-serving",
} as const;

export class SignerRejection extends Error {
  override name = "SignerRejection";
}

export interface SigningRequest {
  signerName: string;
  /** PEM of the PKCS#10 request. */
  request: string;
  usages: readonly string[];
  expirationSeconds?: number;
}

export interface CertificateAuthority {
  cert: string;
  key: string;
}

const oneYear = 365 * 24 * 3600;

function subjectParts(csr: x509.Pkcs10CertificateRequest): { cn: string; orgs: string[] } {
  const name = new x509.Name(csr.subject);
  return { cn: name.getField("CN")[0] ?? "", orgs: name.getField("O") };
}

function allowedUsages(signer: string): readonly string[] {
  if (signer === signers.kubeletServing) return ["digital signature", "key encipherment", "server auth"];
  return ["digital signature", "key encipherment", "client auth"];
}

/** Checks a request against its signer's rules; throws SignerRejection with the reason. */
export async function checkRequest(req: SigningRequest): Promise<x509.Pkcs10CertificateRequest> {
  if (!Object.values(signers).includes(req.signerName as (typeof signers)[keyof typeof signers])) {
    throw new SignerRejection(`signer ${req.signerName} is not served by this cluster`);
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(req.request);
  } catch {
    throw new SignerRejection("the request is not a PEM-encoded PKCS#10 certificate request");
  }
  if (!(await csr.verify())) throw new SignerRejection("the request's signature does not verify");
  const allowed = allowedUsages(req.signerName);
  const bad = req.usages.filter((u) => !allowed.includes(u));
  if (bad.length > 0)
    throw new SignerRejection(`usages not allowed for ${req.signerName}: ${bad.join(", ")}`);
  const needed = req.signerName === signers.kubeletServing ? "server auth" : "client auth";
  if (!req.usages.includes(needed))
    throw new SignerRejection(`${req.signerName} requires the "${needed}" usage`);
  if (req.signerName !== signers.client) {
    const { cn, orgs } = subjectParts(csr);
    if (!cn.startsWith("system:node:") || cn.length <= "system:node:".length) {
      throw new SignerRejection(`subject common name must start with "system:node:", got "${cn}"`);
    }
    if (orgs.length !== 1 || orgs[0] !== "system:nodes") {
      throw new SignerRejection(`subject organization must be exactly "system:nodes"`);
    }
  }
  return csr;
}

async function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error("empty CA key");
  return webcrypto.subtle.importKey("pkcs8", der, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
}

/** Signs an accepted request; returns the certificate PEM. */
export async function issue(
  req: SigningRequest,
  ca: CertificateAuthority,
  now = new Date(),
): Promise<string> {
  const csr = await checkRequest(req);
  const caCert = new x509.X509Certificate(ca.cert);
  const seconds = Math.max(600, req.expirationSeconds ?? oneYear);
  const notAfter = new Date(Math.min(now.getTime() + seconds * 1000, caCert.notAfter.getTime()));
  const serving = req.signerName === signers.kubeletServing;
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(
      [serving ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  const san = csr.extensions.find((e) => e.type === "2.5.29.17");
  // The request's SAN extension (DNS names and IPs of the node) carries over as it is.
  if (serving && san) extensions.push(new x509.SubjectAlternativeNameExtension(san.rawData));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
      .toString("hex")
      .replace(/^[89a-f]/, "1"),
    subject: csr.subject,
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    publicKey: csr.publicKey,
    signingKey: await importKey(ca.key),
    extensions,
  });
  return cert.toString("pem");
}
