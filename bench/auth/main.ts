// `npm run bench:auth`: authorization decisions/s with 1,000 roles and 1,000 bindings (RBAC over
// its subject index), service account token verifications/s, and in-process GET latency with
// RBAC + admission on vs AlwaysAllow in the same run. Prints one JSON object.
import { performance } from "node:perf_hooks";
import { coreV1Resources } from "../../src/api/core/index.ts";
import { groupResources } from "../../src/api/groups.ts";
import type { KubeObject } from "../../src/api/object.ts";
import { rbacResources } from "../../src/api/rbac/index.ts";
import type { ResourceDef } from "../../src/api/resource.ts";
import type { Attributes } from "../../src/apiserver/auth/attributes.ts";
import { createUnionAuthorizer } from "../../src/apiserver/auth/authz.ts";
import { ObjectCache } from "../../src/apiserver/auth/objectcache.ts";
import { RbacAuthorizer } from "../../src/apiserver/auth/rbac/authorizer.ts";
import { generateSigningKey } from "../../src/apiserver/auth/serviceaccount/keys.ts";
import { ServiceAccountTokens } from "../../src/apiserver/auth/serviceaccount/tokens.ts";
import type { ObjectSource } from "../../src/apiserver/rest/source.ts";
import { AuthTestApi } from "../../test/auth/support.ts";
import { TestApi } from "../../test/support/inprocess-api.ts";

const roles = 1000;
const namespaces = 50;
const resourcesPool = [
  "pods",
  "configmaps",
  "secrets",
  "services",
  "deployments",
  "jobs",
  "leases",
  "events",
];
const verbsPool = ["get", "list", "watch", "create", "update", "patch", "delete"];

/** A fixed snapshot as an ObjectSource (the benchmark measures decisions, not the watch). */
function staticSource(byResource: Map<string, KubeObject[]>): ObjectSource {
  return {
    list: async (def) => ({ items: byResource.get(def.resource) ?? [], revision: 1 }),
    watch: () => ({ close() {} }),
    currentRevision: async () => 1,
  };
}

function rbacDef(resource: string): ResourceDef {
  const d = rbacResources().find((r) => r.resource === resource);
  if (!d) throw new Error(resource);
  return d;
}

async function decisionsPerSecond() {
  const objects = new Map<string, KubeObject[]>([
    ["roles", []],
    ["rolebindings", []],
    ["clusterroles", []],
    ["clusterrolebindings", []],
  ]);
  for (let i = 0; i < roles; i++) {
    const ns = `ns-${i % namespaces}`;
    const rules = Array.from({ length: 5 }, (_, j) => ({
      apiGroups: [""],
      resources: [resourcesPool[(i + j) % resourcesPool.length] as string],
      verbs: verbsPool.slice(0, 1 + ((i + j) % verbsPool.length)),
    }));
    objects.get("roles")?.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: `r${i}`, namespace: ns },
      rules,
    } as KubeObject);
    objects.get("rolebindings")?.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: `b${i}`, namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `r${i}` },
      subjects: [
        { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: `user-${i}` },
        { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: `team-${i % 20}` },
      ],
    } as KubeObject);
  }
  const source = staticSource(objects);
  const caches = {
    roles: new ObjectCache(source, rbacDef("roles")),
    clusterRoles: new ObjectCache(source, rbacDef("clusterroles")),
    roleBindings: new ObjectCache(source, rbacDef("rolebindings")),
    clusterRoleBindings: new ObjectCache(source, rbacDef("clusterrolebindings")),
  };
  await Promise.all(Object.values(caches).map((c) => c.start()));
  const authz = createUnionAuthorizer(["Node", "RBAC"], {
    rbac: new RbacAuthorizer(caches),
    node: { decide: () => ({ decision: "noOpinion", reason: "" }) },
  });
  const requests: Attributes[] = Array.from({ length: 4096 }, (_, k) => {
    const i = (k * 7919) % roles;
    return {
      user: { name: `user-${i}`, groups: [`team-${k % 20}`, "system:authenticated"] },
      verb: verbsPool[k % verbsPool.length] as string,
      isResourceRequest: true,
      path: "",
      namespace: `ns-${(k % 3 === 0 ? i + 1 : i) % namespaces}`,
      apiGroup: "",
      apiVersion: "v1",
      resource: resourcesPool[k % resourcesPool.length] as string,
      subresource: "",
      name: k % 2 === 0 ? "" : "x",
    };
  });
  let allowed = 0;
  const n = Number(process.env.BENCH_DECISIONS ?? 400_000);
  for (let k = 0; k < 2_000; k++) authz.decide(requests[k & 4095] as Attributes);
  const t0 = performance.now();
  for (let k = 0; k < n; k++)
    if (authz.decide(requests[k & 4095] as Attributes).decision === "allow") allowed++;
  const seconds = (performance.now() - t0) / 1000;
  return {
    decisionsPerSecond: Math.round(n / seconds),
    allowedFraction: +(allowed / n).toFixed(3),
    roles,
    bindings: roles,
  };
}

async function tokenVerificationsPerSecond() {
  const sa = {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "robot", namespace: "default", uid: "u1" },
  };
  const tokens = new ServiceAccountTokens(generateSigningKey(), {
    get: (resource) => (resource === "serviceaccounts" ? (sa as KubeObject) : undefined),
  });
  const { token } = await tokens.issue({
    namespace: "default",
    serviceAccount: { name: "robot", uid: "u1" },
    audiences: [tokens.issuer],
    expirationSeconds: 3600,
    now: new Date(),
  });
  const n = 3000;
  const t0 = performance.now();
  for (let k = 0; k < n; k++) if (!(await tokens.authenticateToken(token))) throw new Error("token rejected");
  return { tokenVerificationsPerSecond: Math.round(n / ((performance.now() - t0) / 1000)) };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function latency(request: () => Promise<number>, n: number) {
  for (let k = 0; k < 200; k++) await request();
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    const status = await request();
    times.push(performance.now() - t0);
    if (status !== 200) throw new Error(`status ${status}`);
  }
  times.sort((a, b) => a - b);
  return { p50: +percentile(times, 0.5).toFixed(3), p99: +percentile(times, 0.99).toFixed(3) };
}

async function requestLatency() {
  const user = { name: "alice", groups: ["dev"] };
  const pod = { metadata: { name: "p" }, spec: { containers: [{ name: "c", image: "busybox" }] } };
  const rbac = new AuthTestApi();
  await rbac.start();
  await rbac.api.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles", {
    metadata: { name: "reader" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
  });
  await rbac.api.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", {
    metadata: { name: "alice" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    subjects: [{ kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" }],
  });
  await rbac.api.request("POST", "/api/v1/namespaces/default/pods", pod);
  const open = new TestApi({ resources: [...coreV1Resources, ...groupResources()], watchCache: true });
  await open.seed();
  await open.request("POST", "/api/v1/namespaces/default/pods", pod);
  const get = (api: TestApi) => async () =>
    (await api.request("GET", "/api/v1/namespaces/default/pods/p", undefined, {}, user)).status;
  for (let tries = 0; (await get(rbac.api)()) !== 200; tries++) {
    if (tries > 1000) throw new Error("alice never got her pod");
    await new Promise((r) => setTimeout(r, 10));
  }
  const n = Number(process.env.BENCH_REQUESTS ?? 3000);
  // Interleaved rounds so both see the same machine load.
  const on: { p50: number; p99: number }[] = [];
  const off: { p50: number; p99: number }[] = [];
  for (let round = 0; round < 3; round++) {
    off.push(await latency(get(open), n));
    on.push(await latency(get(rbac.api), n));
  }
  await rbac.close();
  await open.close();
  const best = (xs: { p50: number; p99: number }[]) => ({
    p50: Math.min(...xs.map((x) => x.p50)),
    p99: Math.min(...xs.map((x) => x.p99)),
  });
  const a = best(on);
  const b = best(off);
  return {
    rbacOnMs: a,
    alwaysAllowMs: b,
    p99Ratio: +(a.p99 / b.p99).toFixed(3),
    p50Ratio: +(a.p50 / b.p50).toFixed(3),
  };
}

const decisions = await decisionsPerSecond();
const verify = await tokenVerificationsPerSecond();
const result = { ...decisions, ...verify, requestLatency: await requestLatency() };
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
