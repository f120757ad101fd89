// Cluster PKI: an ECDSA P-256 CA created on first start, the serving certificate (SANs for
// loopback, the hostname and --tls-san), and the admin client certificate (CN=admin,
// O=system:masters). Files live in <data-dir>/pki and are reused on later starts.
import "reflect-metadata";
import { webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const algorithm = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const tenYears = 10 * 365 * 24 * 3600 * 1000;

export interface KeyPairPem {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: KeyPairPem;
  server: KeyPairPem;
  admin: KeyPairPem;
  /** The API server's client identity towards kubelets (logs, exec, port-forward). */
  kubeletClient: KeyPairPem;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString("hex")
    .replace(/^[89a-f]/, "1");
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error("empty private key file");
  return webcrypto.subtle.importKey("pkcs8", der, algorithm, true, ["sign"]);
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function createCa(): Promise<KeyPairPem> {
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=skiff-ca@${Math.floor(now / 1000)}`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + tenYears),
    signingAlgorithm: algorithm,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString("pem"), key: await exportKey(keys.privateKey) };
}

interface LeafOptions {
  subject: string;
  usage: "server" | "client";
  dnsNames?: string[];
  ips?: string[];
}

async function createLeaf(ca: KeyPairPem, options: LeafOptions): Promise<KeyPairPem> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const keys = await newKeys();
  const now = Date.now();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(
      [options.usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  const names = [
    ...(options.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(options.ips ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: options.subject,
    issuer: caCert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + tenYears),
    signingAlgorithm: algorithm,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions,
  });
  return { cert: cert.toString("pem"), key: await exportKey(keys.privateKey) };
}

const ipPattern = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:]*)$/;

/** The SANs of the serving certificate. */
export function servingNames(extraSans: readonly string[]): { dnsNames: string[]; ips: string[] } {
  const all = [
    "localhost",
    hostname(),
    "kubernetes",
    "kubernetes.default",
    "kubernetes.default.svc",
    "127.0.0.1",
    ...extraSans,
  ];
  const unique = [...new Set(all.filter((s) => s !== ""))];
  return { dnsNames: unique.filter((s) => !ipPattern.test(s)), ips: unique.filter((s) => ipPattern.test(s)) };
}

function read(dir: string, name: string): KeyPairPem | undefined {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  if (!existsSync(cert) || !existsSync(key)) return undefined;
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

function write(dir: string, name: string, pair: KeyPairPem): void {
  writeFileSync(join(dir, `${name}.crt`), pair.cert, { mode: 0o644 });
  writeFileSync(join(dir, `${name}.key`), pair.key, { mode: 0o600 });
}

/** Loads <dataDir>/pki or creates what is missing; the serving cert is renewed when the SANs change. */
export async function ensurePki(
  dataDir: string,
  options: { tlsSans?: readonly string[]; serviceIp?: string } = {},
): Promise<ClusterPki> {
  const dir = join(dataDir, "pki");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let ca = read(dir, "ca");
  const freshCa = !ca;
  if (!ca) {
    ca = await createCa();
    write(dir, "ca", ca);
  }
  const names = servingNames([...(options.tlsSans ?? []), ...(options.serviceIp ? [options.serviceIp] : [])]);
  const sansFile = join(dir, "server.sans");
  const sansText = JSON.stringify(names);
  let server = freshCa ? undefined : read(dir, "server");
  if (!server || !existsSync(sansFile) || readFileSync(sansFile, "utf8") !== sansText) {
    server = await createLeaf(ca, { subject: "CN=kube-apiserver", usage: "server", ...names });
    write(dir, "server", server);
    writeFileSync(sansFile, sansText);
  }
  let admin = freshCa ? undefined : read(dir, "admin");
  if (!admin) {
    admin = await createLeaf(ca, { subject: "CN=admin, O=system:masters", usage: "client" });
    write(dir, "admin", admin);
  }
  let kubeletClient = freshCa ? undefined : read(dir, "kubelet-client");
  if (!kubeletClient) {
    kubeletClient = await createLeaf(ca, {
      subject: "CN=kube-apiserver-kubelet-client, O=system:masters",
      usage: "client",
    });
    write(dir, "kubelet-client", kubeletClient);
  }
  return { ca, server, admin, kubeletClient };
}

/** An admin kubeconfig with embedded CA and client credentials. */
export function adminKubeconfig(serverUrl: string, pki: ClusterPki): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: skiff",
    "  cluster:",
    `    server: ${serverUrl}`,
    `    certificate-authority-data: ${b64(pki.ca.cert)}`,
    "users:",
    "- name: admin",
    "  user:",
    `    client-certificate-data: ${b64(pki.admin.cert)}`,
    `    client-key-data: ${b64(pki.admin.key)}`,
    "contexts:",
    "- name: skiff",
    "  context:",
    "    cluster: skiff",
    "    user: admin",
    "current-context: skiff",
    "",
  ].join("\n");
}
