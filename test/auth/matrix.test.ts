// The RBAC matrix: users bound to roles (by user, group and service account subjects, namespaced
// and cluster-wide) × resources × verbs × namespaces, every case sent as a real request through the
// handler chain. A small independent model says which are allowed; every other request must be
// denied with Kubernetes' Forbidden message, and every allowed one must get past authorization.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { AuthTestApi } from "./support.ts";

interface Grant {
  /** "*" = every namespace (a ClusterRoleBinding). */
  namespace: string;
  group: string;
  resources: string[] | "*";
  verbs: string[] | "*";
  names?: string[];
}

interface Subject {
  user: string;
  groups: string[];
  grant?: Grant;
}

const resources = [
  { group: "", resource: "pods" },
  { group: "", resource: "configmaps" },
  { group: "", resource: "secrets" },
  { group: "apps", resource: "deployments" },
  { group: "batch", resource: "jobs" },
  { group: "coordination.k8s.io", resource: "leases" },
];
const verbs = ["get", "list", "create", "update", "patch", "delete", "deletecollection"];
const namespaces = ["team", "other"];

const subjects: Subject[] = [
  {
    user: "reader",
    groups: [],
    grant: { namespace: "team", group: "", resources: ["pods"], verbs: ["get", "list"] },
  },
  {
    user: "gina",
    groups: ["devs"],
    grant: {
      namespace: "team",
      group: "",
      resources: ["configmaps"],
      verbs: ["get", "create", "update", "patch", "delete"],
    },
  },
  { user: "appsadmin", groups: [], grant: { namespace: "team", group: "apps", resources: "*", verbs: "*" } },
  {
    user: "secretkeeper",
    groups: [],
    grant: {
      namespace: "team",
      group: "",
      resources: ["secrets"],
      verbs: ["get", "update", "delete"],
      names: ["s1"],
    },
  },
  {
    user: "janitor",
    groups: [],
    grant: { namespace: "team", group: "batch", resources: ["jobs"], verbs: ["delete", "deletecollection"] },
  },
  {
    user: "leasewatcher",
    groups: [],
    grant: { namespace: "*", group: "coordination.k8s.io", resources: ["leases"], verbs: ["get", "list"] },
  },
  { user: "podgod", groups: [], grant: { namespace: "team", group: "", resources: ["pods"], verbs: "*" } },
  {
    user: "system:serviceaccount:team:bot",
    groups: ["system:serviceaccounts", "system:serviceaccounts:team"],
    grant: { namespace: "team", group: "batch", resources: ["jobs"], verbs: ["get", "list", "create"] },
  },
  { user: "nobody", groups: ["devs-not"] },
];

function allowed(
  s: Subject,
  group: string,
  resource: string,
  verb: string,
  namespace: string,
  name: string,
): boolean {
  const g = s.grant;
  if (!g) return false;
  if (g.namespace !== "*" && g.namespace !== namespace) return false;
  if (g.group !== group) return false;
  if (g.resources !== "*" && !g.resources.includes(resource)) return false;
  if (g.verbs !== "*" && !g.verbs.includes(verb)) return false;
  if (g.names && !g.names.includes(name)) return false;
  return true;
}

let env: AuthTestApi;

async function admin(method: string, path: string, body: unknown): Promise<void> {
  const res = await env.api.request(method, path, body);
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.body}`);
}

function roleFor(
  s: Subject,
  i: number,
): { role: object; binding: object; path: string; bindingPath: string } {
  const g = s.grant as Grant;
  const cluster = g.namespace === "*";
  const name = `matrix-${i}`;
  const rule = {
    apiGroups: [g.group],
    resources: g.resources === "*" ? ["*"] : g.resources,
    verbs: g.verbs === "*" ? ["*"] : g.verbs,
    ...(g.names ? { resourceNames: g.names } : {}),
  };
  const subject = s.user.startsWith("system:serviceaccount:")
    ? { kind: "ServiceAccount", name: s.user.split(":")[3], namespace: s.user.split(":")[2] }
    : s.groups.length > 0
      ? { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: s.groups[0] }
      : { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: s.user };
  const meta = cluster ? { name } : { name, namespace: g.namespace };
  const base = cluster
    ? "/apis/rbac.authorization.k8s.io/v1"
    : `/apis/rbac.authorization.k8s.io/v1/namespaces/${g.namespace}`;
  return {
    role: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: cluster ? "ClusterRole" : "Role",
      metadata: meta,
      rules: [rule],
    },
    binding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: cluster ? "ClusterRoleBinding" : "RoleBinding",
      metadata: meta,
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: cluster ? "ClusterRole" : "Role", name },
      subjects: [subject],
    },
    path: `${base}/${cluster ? "clusterroles" : "roles"}`,
    bindingPath: `${base}/${cluster ? "clusterrolebindings" : "rolebindings"}`,
  };
}

before(async () => {
  env = new AuthTestApi();
  await env.start();
  for (const ns of namespaces) await admin("POST", "/api/v1/namespaces", { metadata: { name: ns } });
  let i = 0;
  for (const s of subjects) {
    i++;
    if (!s.grant) continue;
    const r = roleFor(s, i);
    await admin("POST", r.path, r.role);
    await admin("POST", r.bindingPath, r.binding);
  }
  // Bindings reach the authorizer through the watch: wait until the last one decides.
  const last = subjects.filter((s) => s.grant).at(-1) as Subject;
  for (;;) {
    const res = await env.api.request(
      "GET",
      "/apis/batch/v1/namespaces/team/jobs",
      undefined,
      {},
      {
        name: last.user,
        groups: last.groups,
      },
    );
    if (res.status !== 403) break;
    await new Promise((r) => setTimeout(r, 10));
  }
});

after(async () => {
  await env.close();
});

function urlFor(group: string, resource: string, namespace: string, name: string): string {
  const base = group === "" ? "/api/v1" : `/apis/${group}/v1`;
  return `${base}/namespaces/${namespace}/${resource}${name === "" ? "" : `/${name}`}`;
}

const httpVerb: Record<string, { method: string; named: boolean }> = {
  get: { method: "GET", named: true },
  list: { method: "GET", named: false },
  create: { method: "POST", named: false },
  update: { method: "PUT", named: true },
  patch: { method: "PATCH", named: true },
  delete: { method: "DELETE", named: true },
  deletecollection: { method: "DELETE", named: false },
};

test("every (subject, resource, verb, namespace) is allowed exactly when a binding grants it", async () => {
  let cases = 0;
  let allowedCount = 0;
  for (const s of subjects) {
    for (const { group, resource } of resources) {
      for (const verb of verbs) {
        for (const ns of namespaces) {
          const { method, named } = httpVerb[verb] ?? assert.fail(verb);
          const name = named ? "s1" : "";
          const headers: Record<string, string> =
            verb === "patch" ? { "content-type": "application/merge-patch+json" } : {};
          const body = ["create", "update", "patch"].includes(verb)
            ? { metadata: { name: "s1" } }
            : undefined;
          const res = await env.api.request(method, urlFor(group, resource, ns, name), body, headers, {
            name: s.user,
            groups: s.groups,
          });
          const want = allowed(s, group, resource, verb, ns, name);
          cases++;
          const label = `${s.user} ${verb} ${group}/${resource} in ${ns}: ${res.status} ${res.body}`;
          if (want) {
            allowedCount++;
            assert.notEqual(res.status, 403, label);
          } else {
            assert.equal(res.status, 403, label);
            const qualified = group === "" ? resource : `${resource}.${group}`;
            const target = name === "" ? qualified : `${qualified} "${name}"`;
            assert.equal(
              res.json.message,
              `${target} is forbidden: User "${s.user}" cannot ${verb} resource "${resource}" in API group "${group}" in the namespace "${ns}"`,
            );
            assert.equal(res.json.reason, "Forbidden");
          }
        }
      }
    }
  }
  assert.equal(cases, subjects.length * resources.length * verbs.length * namespaces.length);
  assert.ok(cases >= 700, `${cases} cases`);
  assert.ok(allowedCount > 30, `${allowedCount} allowed cases`);
});

test("decision matrix incl. watch, subresources and cluster scope agrees with the model", () => {
  const extraVerbs = [...verbs, "watch", "escalate", "bind", "impersonate"];
  let n = 0;
  for (const s of subjects) {
    for (const { group, resource } of resources) {
      for (const verb of extraVerbs) {
        for (const ns of [...namespaces, ""]) {
          for (const sub of ["", "status"]) {
            const name = verb === "list" || verb === "watch" ? "" : "s1";
            const d = env.authz.decisions.decide({
              user: { name: s.user, groups: [...s.groups, "system:authenticated"] },
              verb,
              isResourceRequest: true,
              path: "",
              namespace: ns,
              apiGroup: group,
              apiVersion: "v1",
              resource,
              subresource: sub,
              name,
            });
            // Subresources are separate resources to RBAC: only "*" covers them.
            const g = s.grant;
            const want =
              sub === ""
                ? allowed(s, group, resource, verb, ns, name) && (ns !== "" || g?.namespace === "*")
                : g?.resources === "*" && allowed(s, group, resource, verb, ns, name);
            assert.equal(
              d.decision === "allow",
              want,
              `${s.user} ${verb} ${group}/${resource}/${sub} ns=${ns}`,
            );
            n++;
          }
        }
      }
    }
  }
  assert.ok(n > 1000);
});
