// Bootstrap tokens and discovery against a real server, with agents on the fake runtime (no
// network setup): token create/list/delete; cluster-info readable anonymously and signed per
// token by the bootstrap signer (and unsigned again when the token goes); an agent joins through
// a CSR and runs as system:node:<name> (its --ingress saying it may not read TLS Secrets); after
// `kubectl delete node` a restart (no token) re-registers it; an expired (cleaned up) or deleted
// token is refused with one line.
import assert from "node:assert/strict";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { SkiffChild } from "../support/skiff-child.ts";
import { skiffEntry } from "../support/skiff-entry.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { sh } from "./netns-cluster.ts";

const server = new SkiffServer();
const agents: SkiffChild[] = [];

before(async () => {
  await server.start();
});

after(async () => {
  for (const a of agents) await a.stop();
  await server.stop();
});

function skiff(args: string[], timeoutMs = 60_000): { code: number; out: string } {
  return sh(process.execPath, [...skiffEntry(), ...args], timeoutMs);
}

function token(args: string[]): string {
  const r = skiff(["token", ...args, "--data-dir", server.dir.path]);
  assert.equal(r.code, 0, r.out);
  return r.out.trim();
}

/** GET without any credentials and without verifying the server, as a joining node first does. */
function anonymousGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, server.url), { rejectUnauthorized: false }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        body += d.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${what} did not happen`);
}

async function clusterInfo(): Promise<ConfigMap> {
  const r = await anonymousGet("/api/v1/namespaces/kube-public/configmaps/cluster-info");
  assert.equal(r.status, 200, r.body);
  return JSON.parse(r.body) as ConfigMap;
}

function agentArgs(name: string, t: string, extra: string[] = []): string[] {
  return [
    "agent",
    "--server",
    server.url,
    "--token",
    t,
    "--name",
    name,
    "--data-dir",
    join(server.dir.path, name),
    "--runtime",
    "fake",
    "--kubelet-port",
    "0",
    ...extra,
  ];
}

test("token create publishes cluster-info, which anyone may read and the signer signs per token", async () => {
  const t = token(["create", "--ttl", "2h", "--token-only"]);
  assert.match(t, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  const id = t.split(".")[0];
  const cm = await until("cluster-info signed", async () => {
    const c = await clusterInfo();
    return c.data?.[`jws-kubeconfig-${id}`] ? c : undefined;
  });
  assert.match(cm.data?.kubeconfig ?? "", new RegExp(`server: ${server.url.replace(/\./g, "\\.")}`));
  // Anonymous callers get only that one object.
  assert.equal((await anonymousGet("/api/v1/namespaces/kube-public/configmaps")).status, 401);
  assert.equal((await anonymousGet("/api/v1/namespaces/kube-system/secrets")).status, 401);
  assert.match(token(["list"]), new RegExp(`^${t.replace(".", "\\.")}\\s+(1h|2h)\\s`, "m"));
  assert.equal(token(["delete", id ?? ""]), `bootstrap token "${id}" deleted`);
  await until("the signature goes with the token", async () =>
    (await clusterInfo()).data?.[`jws-kubeconfig-${id}`] === undefined ? true : undefined,
  );
  assert.doesNotMatch(token(["list"]), new RegExp(id ?? "?"));
});

test("an agent joins with a token through a CSR and runs as its node; after kubectl delete node a restart re-registers it", async () => {
  const t = token(["create", "--token-only"]);
  const agent = await SkiffChild.start(
    agentArgs("skj-fake-1", t, ["--ingress", "--ingress-http-port", "0", "--ingress-https-port", "0"]),
    "skiff agent ready",
  );
  agents.push(agent);
  // The node may not list TLS Secrets: its ingress says so in one line, with how to grant it.
  assert.match(
    agent.out,
    /ingress HTTPS serves a self-signed certificate only: system:node:skj-fake-1 may not list TLS Secrets \(grant it with: kubectl create clusterrole skiff:ingress-tls /,
  );
  const k = server.client("1.32");
  const csr = await k.ok(
    "get",
    "csr",
    "-o",
    'jsonpath={range .items[*]}{.spec.username} {.spec.signerName}{"\\n"}{end}',
  );
  assert.match(
    csr,
    new RegExp(`system:bootstrap:${t.split(".")[0]} kubernetes.io/kube-apiserver-client-kubelet`),
  );
  const who = await k.ok(
    "--kubeconfig",
    join(server.dir.path, "skj-fake-1", "kubelet.kubeconfig"),
    "auth",
    "whoami",
    "-o",
    "jsonpath={.status.userInfo.username} {.status.userInfo.groups}",
  );
  assert.match(who, /^system:node:skj-fake-1 .*system:nodes/);
  await k.ok("delete", "node", "skj-fake-1");
  await agent.stop();
  // The restart needs no token: the node kubeconfig from the join is reused.
  const again = await SkiffChild.start(
    [
      "agent",
      "--name",
      "skj-fake-1",
      "--data-dir",
      join(server.dir.path, "skj-fake-1"),
      "--runtime",
      "fake",
      "--kubelet-port",
      "0",
    ],
    "skiff agent ready",
  );
  agents.push(again);
  await until("the restarted agent registers its node again", async () => {
    const r = await k.run([
      "get",
      "node",
      "skj-fake-1",
      "-o",
      "jsonpath={.status.conditions[?(@.type=='Ready')].status}",
    ]);
    return r.stdout === "True" ? true : undefined;
  });
  const csrs = (await k.ok("get", "csr", "-o", "name")).trim().split("\n");
  assert.equal(csrs.length, 1, "no second certificate request");
});

test("an expired token is cleaned up and refused; a deleted one too", async () => {
  const t = token(["create", "--ttl", "2s", "--token-only"]);
  const id = t.split(".")[0] ?? "";
  const k = server.client("1.32");
  await until("the token cleaner deletes the expired Secret", async () => {
    const r = await k.run(["get", "secret", "-n", "kube-system", `bootstrap-token-${id}`]);
    return r.code !== 0 ? true : undefined;
  });
  const r = skiff(agentArgs("skj-fake-2", t), 90_000);
  assert.notEqual(r.code, 0);
  assert.equal(r.out.trim().split("\n").length, 1, r.out);
  assert.match(
    r.out.trim(),
    /^error: cannot join: the cluster-info of \S+ carries no signature for token id \w+: the token is unknown, expired/,
  );
});
