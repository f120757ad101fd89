// The join flow of `skiff agent --server URL --token T [--ca-cert-hash sha256:…]`: reuse the node
// kubeconfig of an earlier join (renewing its certificate when most of its lifetime is used), or
// discover and verify the cluster CA with the token, ask for a node client certificate with the
// token's identity, and write the node kubeconfig. The agent then runs as system:node:<name>.
import { UnauthorizedError } from "../../api/errors.ts";
import { HttpsTransport } from "../../client/https-transport.ts";
import { type ClusterConnection, loadKubeconfig } from "../../client/kubeconfig.ts";
import { RestClient } from "../../client/rest.ts";
import { requestNodeCertificate } from "./csr.ts";
import { discoverCluster } from "./discovery.ts";
import {
  certificateSubjectName,
  hasNodeKubeconfig,
  lifetimeUsed,
  nodeKubeconfigPath,
  writeNodeKubeconfig,
} from "./kubeconfig.ts";
import { JoinTrustError, parseBootstrapToken } from "./trust.ts";

export interface JoinOptions {
  dataDir: string;
  nodeName: string;
  server?: string;
  token?: string;
  caCertHashes?: readonly string[];
  /** Renew at this fraction of the certificate's lifetime (default 0.8, like the kubelet's 70–90 %). */
  renewAt?: number;
  say(line: string): void;
}

function clientFor(connection: ClusterConnection): RestClient {
  return new RestClient({
    transport: new HttpsTransport({ connection, maxSockets: 2, userAgent: "skiff-agent-bootstrap" }),
  });
}

async function issue(o: JoinOptions, server: string, ca: string, auth: Partial<ClusterConnection>) {
  const client = clientFor({ server, ca, namespace: "default", ...auth });
  try {
    const issued = await requestNodeCertificate({ client, nodeName: o.nodeName });
    writeNodeKubeconfig(o.dataDir, { server, ca, cert: issued.cert, key: issued.key }, o.nodeName);
    return issued;
  } finally {
    client.close();
  }
}

/** The node's connection as itself; joins first when there is no usable node kubeconfig. */
export async function ensureNodeCredentials(o: JoinOptions): Promise<ClusterConnection> {
  const file = nodeKubeconfigPath(o.dataDir);
  if (hasNodeKubeconfig(o.dataDir)) {
    const saved = loadKubeconfig(file);
    const cn = saved.cert ? certificateSubjectName(saved.cert) : "";
    const used = saved.cert ? lifetimeUsed(saved.cert) : 1;
    if (cn === `system:node:${o.nodeName}` && saved.ca && used < 1) {
      if (used < (o.renewAt ?? 0.8)) return saved;
      o.say(`node certificate is ${Math.round(used * 100)}% through its lifetime: renewing`);
      const renewed = await issue(o, saved.server, saved.ca, {
        ...(saved.cert ? { cert: saved.cert } : {}),
        ...(saved.key ? { key: saved.key } : {}),
      });
      o.say(`node certificate renewed (${renewed.csrName})`);
      return loadKubeconfig(file);
    }
    if (!o.token) {
      throw new JoinTrustError(
        `${file} is ${used >= 1 ? "expired" : `not for node ${o.nodeName}`}: join again with --server and --token`,
      );
    }
  }
  if (!o.server || !o.token)
    throw new JoinTrustError("to join a cluster give --server URL and --token TOKEN");
  const server = o.server.replace(/\/+$/, "");
  const token = parseBootstrapToken(o.token);
  const cluster = await discoverCluster({
    server,
    token,
    ...(o.caCertHashes && o.caCertHashes.length > 0 ? { caCertHashes: o.caCertHashes } : {}),
  });
  o.say(`cluster CA of ${server} verified by ${cluster.verifiedBy.join(" and ")}`);
  try {
    const issued = await issue(o, server, cluster.ca, { token: `${token.id}.${token.secret}` });
    o.say(`node client certificate issued (${issued.csrName}), kubeconfig ${file}`);
  } catch (err) {
    if (err instanceof UnauthorizedError)
      throw new JoinTrustError(`the server refused token ${token.id}.…: it is unknown or expired`);
    throw err;
  }
  return loadKubeconfig(file);
}
