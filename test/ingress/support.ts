// Helpers of the ingress tests: free ports, plain HTTP(S) requests to the ingress with a chosen
// Host/SNI name, polling, and a test CA that signs serving certificates.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { request as httpsRequest } from "node:https";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface Answer {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
  reusedSocket: boolean;
  /** Subject CN of the server certificate (HTTPS). */
  peerCn?: string;
}

export interface Ask {
  port: number;
  path: string;
  host?: string;
  method?: string;
  https?: { servername: string; ca?: string };
  agent?: Agent;
  address?: string;
}

export function ask(a: Ask): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const common = {
      host: a.address ?? "127.0.0.1",
      port: a.port,
      path: a.path,
      method: a.method ?? "GET",
      headers: a.host ? { host: a.host } : {},
      timeout: 10_000,
      ...(a.agent ? { agent: a.agent } : {}),
    };
    const req = a.https
      ? httpsRequest({
          ...common,
          servername: a.https.servername,
          ...(a.https.ca ? { ca: a.https.ca } : { rejectUnauthorized: false }),
          agent: false,
        })
      : httpRequest(common);
    req.on("response", (res) => {
      // Read now: a keep-alive socket goes back to its agent (res.socket null) by the end.
      const sock = res.socket as { getPeerCertificate?: () => { subject?: { CN?: string } } } | null;
      const peerCn = sock?.getPeerCertificate?.()?.subject?.CN;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          body,
          headers: res.headers,
          reusedSocket: req.reusedSocket,
          ...(peerCn ? { peerCn } : {}),
        });
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };

async function pemKey(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/** A throwaway CA and a function issuing serving certificates for DNS names. */
export async function testCa(): Promise<{
  ca: string;
  issue(names: string[]): Promise<{ cert: string; key: string }>;
}> {
  const caKeys = (await webcrypto.subtle.generateKey(alg, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=ingress test CA",
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3600_000),
    keys: caKeys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  let serial = 2;
  return {
    ca: ca.toString("pem"),
    async issue(names) {
      const keys = (await webcrypto.subtle.generateKey(alg, true, [
        "sign",
        "verify",
      ])) as webcrypto.CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: `0${serial++}`,
        subject: `CN=${names[0]}`,
        issuer: ca.subject,
        notBefore: new Date(now - 60_000),
        notAfter: new Date(now + 3600_000),
        signingKey: caKeys.privateKey,
        publicKey: keys.publicKey,
        signingAlgorithm: alg,
        extensions: [
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: "dns" as const, value }))),
        ],
      });
      return { cert: cert.toString("pem"), key: await pemKey(keys.privateKey) };
    },
  };
}

export function tlsSecretYaml(name: string, pair: { cert: string; key: string }): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return `apiVersion: v1
kind: Secret
metadata: {name: ${name}, namespace: default}
type: kubernetes.io/tls
data:
  tls.crt: ${b64(pair.cert)}
  tls.key: ${b64(pair.key)}
`;
}
