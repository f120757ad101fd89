// The kubelet's serving certificate: self-signed and kept in the node's data dir, as a kubelet
// without a serving-cert CSR does (the API server does not verify it unless configured to). Built
// with node:crypto and a small DER writer: @peculiar/x509 left ~5.6 MB of RSS in every agent that
// created one (measured on its first start).
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { isIPv4 } from "node:net";
import { join } from "node:path";
import {
  bitString,
  boolean,
  explicit,
  integer,
  octetString,
  oid,
  sequence,
  set,
  time,
  tlv,
  utf8String,
} from "./der.ts";

export interface ServingCert {
  cert: string;
  key: string;
}

const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid("2.5.4.3"), utf8String(commonName))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** subjectAltName entries: dNSName [2] and iPAddress [7] (IPv4 only: the node's addresses). */
function altNames(dns: readonly string[], ips: readonly string[]): Buffer {
  return sequence(
    ...dns.map((d) => tlv(0x82, Buffer.from(d, "ascii"))),
    ...ips.map((ip) => tlv(0x87, Buffer.from(ip.split(".").map(Number)))),
  );
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** A self-signed ECDSA P-256 certificate for serverAuth, valid a year, with the node's names. */
export function createServingCert(nodeName: string, addresses: readonly string[]): ServingCert {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = Date.now();
  const ips = addresses.filter((a) => isIPv4(a));
  const dns = [nodeName, ...addresses.filter((a) => !isIPv4(a) && !a.includes(":"))];
  const serial = randomBytes(8);
  serial[0] = ((serial[0] ?? 1) & 0x7f) | 0x01; // positive, minimal
  const subject = name(`${nodeName}@${Math.floor(now / 1000)}`);
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    ecdsaWithSha256,
    subject,
    sequence(time(new Date(now - 60_000)), time(new Date(now + 365 * 24 * 3600 * 1000))),
    subject,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(
      3,
      sequence(
        extension("2.5.29.19", true, sequence()), // basicConstraints: not a CA
        extension("2.5.29.37", false, sequence(oid("1.3.6.1.5.5.7.3.1"))), // extKeyUsage: serverAuth
        extension("2.5.29.17", false, altNames(dns, ips)),
      ),
    ),
  );
  const certificate = sequence(tbs, ecdsaWithSha256, bitString(sign("sha256", tbs, privateKey)));
  return {
    cert: pem("CERTIFICATE", certificate),
    key: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
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
  const pair = createServingCert(nodeName, addresses);
  writeFileSync(certPath, pair.cert, { mode: 0o644 });
  writeFileSync(keyPath, pair.key, { mode: 0o600 });
  return pair;
}
