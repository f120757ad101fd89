// `skiff server` over real HTTPS: client-certificate and bearer-token authentication, anonymous
// access rules, body limits, aggregated discovery, and graceful SIGTERM with a watch open.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

// The API server alone: what it stores and answers, with no controller acting on it.
const server = new SkiffServer({ apiOnly: true });
const tokens = tempDir();
let ca = "";

before(async () => {
  const file = join(tokens.path, "tokens.csv");
  // alice administers the cluster (RBAC is on by default: system:masters is bound to cluster-admin).
  writeFileSync(file, 'secret-token,alice,1001,"dev,ops,system:masters"\n');
  await server.start(["--token-auth-file", file]);
  ca = readFileSync(join(server.dir.path, "pki", "ca.crt"), "utf8");
});
after(async () => {
  if (server.alive) await server.stop();
  tokens.remove();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  method: string,
  path: string,
  options: { token?: string; body?: string; accept?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method,
        ca,
        headers: {
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
          ...(options.accept ? { accept: options.accept } : {}),
          "content-type": "application/json",
        },
      },
      (res) => {
        let body = "";
        res.on("data", (d: Buffer) => {
          body += d.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

test("anonymous: 401 for the API, 200 for health and version", async () => {
  const api = await call("GET", "/api/v1/namespaces");
  assert.equal(api.status, 401);
  assert.equal(api.headers["content-type"], "application/json");
  assert.equal(JSON.parse(api.body).reason, "Unauthorized");
  for (const p of ["/healthz", "/livez", "/readyz", "/version"])
    assert.equal((await call("GET", p)).status, 200, p);
});

test("bearer tokens from the token file authenticate; unknown tokens are 401", async () => {
  assert.equal((await call("GET", "/api/v1/namespaces", { token: "secret-token" })).status, 200);
  assert.equal((await call("GET", "/api/v1/namespaces", { token: "wrong" })).status, 401);
  // A kubeconfig with only the token (no client certificate).
  const kubeconfig = join(tokens.path, "token-kubeconfig");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: c, cluster: {server: "${server.url}", certificate-authority-data: ${Buffer.from(ca).toString("base64")}}}]`,
      "users: [{name: alice, user: {token: secret-token}}]",
      "contexts: [{name: c, context: {cluster: c, user: alice}}]",
      "current-context: c",
    ].join("\n"),
  );
  const kubectl = await server.kubectl(["get", "ns", "default", "--kubeconfig", kubeconfig]);
  assert.equal(kubectl.code, 0, kubectl.stderr);
  assert.match(kubectl.stdout, /^default\s+Active/m);
});

test("bodies over 3 MiB are 413, unknown paths 404 Status", async () => {
  const big = JSON.stringify({ metadata: { name: "big" }, data: { x: "y".repeat(3 * 1024 * 1024 + 10) } });
  const r = await call("POST", "/api/v1/namespaces/default/configmaps", { token: "secret-token", body: big });
  assert.equal(r.status, 413);
  const missing = await call("GET", "/apis/nope/v1/things", { token: "secret-token" });
  assert.equal(missing.status, 404);
  assert.equal(JSON.parse(missing.body).message, "the server could not find the requested resource");
});

test("aggregated discovery when asked for, legacy otherwise", async () => {
  const accept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";
  const agg = await call("GET", "/apis", { token: "secret-token", accept });
  assert.match(String(agg.headers["content-type"]), /as=APIGroupDiscoveryList/);
  const doc = JSON.parse(agg.body);
  const apps = doc.items.find((i: { metadata: { name: string } }) => i.metadata.name === "apps");
  const deployments = apps.versions[0].resources.find(
    (r: { resource: string }) => r.resource === "deployments",
  );
  assert.ok(deployments.subresources.some((s: { subresource: string }) => s.subresource === "scale"));
  const legacy = JSON.parse((await call("GET", "/apis", { token: "secret-token" })).body);
  assert.equal(legacy.kind, "APIGroupList");
  const v1 = JSON.parse((await call("GET", "/api/v1", { token: "secret-token" })).body);
  assert.ok(v1.resources.some((r: { name: string }) => r.name === "namespaces"));
});

test("SIGTERM ends open watches and exits 0, also while keep-alive clients keep sending", async () => {
  const watch = server.kubectl(["get", "ns", "-w"]);
  await new Promise((r) => setTimeout(r, 1500));
  // Clients that send their next request as soon as the last one is answered, on keep-alive
  // connections: the drain used to wait for them forever.
  const answered: number[] = [];
  const clients = Array.from({ length: 4 }, async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ca });
    for (;;) {
      const status = await new Promise<number | undefined>((resolve) => {
        const req = request(
          `${server.url}/api/v1/namespaces`,
          { agent, headers: { authorization: "Bearer secret-token" } },
          (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode));
            res.on("error", () => resolve(undefined));
          },
        );
        req.on("error", () => resolve(undefined));
        req.end();
      });
      if (status === undefined) break;
      answered.push(status);
    }
    agent.destroy();
  });
  while (answered.length < 8) await new Promise((r) => setTimeout(r, 20));
  assert.equal(await server.stop(), 0);
  await Promise.all(clients);
  assert.deepEqual([...new Set(answered)], [200]);
  const r = await watch;
  assert.match(r.stdout, /default/);
});
