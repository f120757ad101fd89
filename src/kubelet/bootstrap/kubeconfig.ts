// The node's own kubeconfig in its data dir (`kubelet.kubeconfig`): server, cluster CA and the
// node's client certificate and key inline; written atomically with mode 0600.
import { X509Certificate } from "node:crypto";
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

export interface NodeCredentials {
  server: string;
  ca: string;
  cert: string;
  key: string;
}

export function nodeKubeconfigPath(dataDir: string): string {
  return join(dataDir, "kubelet.kubeconfig");
}

export function renderKubeconfig(c: NodeCredentials, user: string): string {
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "skiff", cluster: { server: c.server, "certificate-authority-data": b64(c.ca) } }],
    users: [{ name: user, user: { "client-certificate-data": b64(c.cert), "client-key-data": b64(c.key) } }],
    contexts: [{ name: "skiff", context: { cluster: "skiff", user } }],
    "current-context": "skiff",
  });
}

export function writeNodeKubeconfig(dataDir: string, c: NodeCredentials, nodeName: string): string {
  const file = nodeKubeconfigPath(dataDir);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, renderKubeconfig(c, `system:node:${nodeName}`), { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}

export function hasNodeKubeconfig(dataDir: string): boolean {
  return existsSync(nodeKubeconfigPath(dataDir));
}

/** Fraction of the certificate's lifetime that has passed at `now` (0 = new, ≥ 1 = expired). */
export function lifetimeUsed(certPem: string, now = new Date()): number {
  const cert = new X509Certificate(certPem);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!(to > from)) return 1;
  return (now.getTime() - from) / (to - from);
}

/** The CN the certificate was issued to. */
export function certificateSubjectName(certPem: string): string {
  return /(?:^|\n)CN=([^\n]+)/.exec(new X509Certificate(certPem).subject)?.[1] ?? "";
}
