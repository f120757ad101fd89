// The login link `skiff server` prints: a ServiceAccount kube-system/skiff-dashboard-admin bound
// to cluster-admin (kept by server-side apply, so restarts are idempotent) and a short-lived
// TokenRequest token for it, put in the URL fragment (never sent to the server by browsers).
import type { RestClient } from "../client/rest.ts";

export const dashboardAdmin = { namespace: "kube-system", name: "skiff-dashboard-admin" };
const fieldManager = "skiff-dashboard";

export interface LoginLinkOptions {
  /** A client with the right to bind cluster-admin (the server's own admin identity). */
  client: RestClient;
  /** https://host:port of the API server. */
  serverUrl: string;
  /** Default one hour. */
  expirationSeconds?: number;
}

async function apply(client: RestClient, path: string, body: object): Promise<void> {
  await client.request("PATCH", `${path}?fieldManager=${fieldManager}&force=true`, {
    body,
    contentType: "application/apply-patch+yaml",
  });
}

/** Ensures the admin ServiceAccount and binding, and returns `<server>/dashboard/#token=…`. */
export async function dashboardLoginUrl(o: LoginLinkOptions): Promise<{ url: string; expiresAt: string }> {
  const { namespace, name } = dashboardAdmin;
  await apply(o.client, `/api/v1/namespaces/${namespace}/serviceaccounts/${name}`, {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace },
  });
  await apply(o.client, `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`, {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
    subjects: [{ kind: "ServiceAccount", name, namespace }],
  });
  const review = await o.client.request<{ status?: { token?: string; expirationTimestamp?: string } }>(
    "POST",
    `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`,
    {
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: o.expirationSeconds ?? 3600 },
      },
    },
  );
  const token = review.status?.token;
  if (!token) throw new Error("the TokenRequest for the dashboard returned no token");
  return {
    url: `${o.serverUrl}/dashboard/#token=${encodeURIComponent(token)}`,
    expiresAt: review.status?.expirationTimestamp ?? "",
  };
}
