// A node's client certificate through the CertificateSigningRequest API: an ECDSA P-256 key and a
// PKCS#10 request for `system:node:<name>` in `system:nodes`, submitted for the
// kube-apiserver-client-kubelet signer, then polled until it is issued, denied or failed.
import { randomBytes, webcrypto } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import type { CertificateSigningRequest } from "kubernetes-types/certificates/v1.js";
import type { ResourceCoords } from "../../client/paths.ts";
import type { RestClient } from "../../client/rest.ts";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const csrResource: ResourceCoords = {
  group: "certificates.k8s.io",
  version: "v1",
  resource: "certificatesigningrequests",
  namespaced: false,
  kind: "CertificateSigningRequest",
};

export const kubeletClientSigner = "kubernetes.io/kube-apiserver-client-kubelet";

export class CertificateRequestError extends Error {
  override name = "CertificateRequestError";
}

export interface NodeKeyAndRequest {
  /** PKCS#8 PEM. */
  key: string;
  /** PKCS#10 PEM. */
  request: string;
}

export async function nodeKeyAndRequest(nodeName: string): Promise<NodeKeyAndRequest> {
  const alg = { name: "ECDSA", namedCurve: "P-256" } as const;
  const keys = await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [`system:node:${nodeName}`] }, { O: ["system:nodes"] }],
    keys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
  });
  const der = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    key: x509.PemConverter.encode(der, "PRIVATE KEY"),
    request: csr.toString("pem"),
  };
}

export interface RequestCertificateOptions {
  client: RestClient;
  nodeName: string;
  /** Give up after this long (default 120 s): the approving and signing controllers may be busy. */
  timeoutMs?: number;
  pollMs?: number;
}

/** Submits the request and resolves with the issued certificate (PEM) and its key. */
export async function requestNodeCertificate(
  o: RequestCertificateOptions,
): Promise<{ cert: string; key: string; csrName: string }> {
  const { key, request } = await nodeKeyAndRequest(o.nodeName);
  const csrs = o.client.resource<CertificateSigningRequest>(csrResource);
  const name = `node-csr-${randomBytes(6).toString("hex")}`;
  await csrs.create({
    apiVersion: "certificates.k8s.io/v1",
    kind: "CertificateSigningRequest",
    metadata: { name },
    spec: {
      signerName: kubeletClientSigner,
      request: Buffer.from(request).toString("base64"),
      usages: ["digital signature", "key encipherment", "client auth"],
    },
  });
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  for (;;) {
    const csr = await csrs.get(name);
    const conditions = csr.status?.conditions ?? [];
    const bad = conditions.find((c) => (c.type === "Denied" || c.type === "Failed") && c.status !== "False");
    if (bad) {
      throw new CertificateRequestError(
        `certificate request ${name} was ${bad.type.toLowerCase()}: ${bad.message ?? bad.reason ?? ""}`,
      );
    }
    if (csr.status?.certificate) {
      return { cert: Buffer.from(csr.status.certificate, "base64").toString("utf8"), key, csrName: name };
    }
    if (Date.now() > deadline) {
      throw new CertificateRequestError(
        `certificate request ${name} was not issued in time: are the csrapproving and csrsigning controllers running?`,
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 300));
  }
}
