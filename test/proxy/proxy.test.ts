// The service proxy on a real kernel: a "node" network namespace with a bridge and three "pods"
// (two busybox httpd backends and a client) in namespaces of their own, nftables rules from
// Services and EndpointSlices served by a real API server. Traffic stays inside the namespaces.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { loadKubeconfig } from "../../src/client/kubeconfig.ts";
import { RestClient } from "../../src/client/rest.ts";
import { ServiceProxy } from "../../src/proxy/proxier.ts";
import { inNetns, ip, TestNetwork } from "../support/netns.ts";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer({ apiOnly: true });
const net = new TestNetwork(`10.211.${Math.floor(Math.random() * 200) + 20}`);
let transport: HttpsTransport;
let proxy: ServiceProxy;
let b1: { ns: string; ip: string };
let b2: { ns: string; ip: string };
let client: { ns: string; ip: string };
const table = `skiff-test-${net.id}`;

function slice(name: string, service: string, ips: string[]): string {
  return `apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: ${name}, namespace: default, labels: {kubernetes.io/service-name: ${service}}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
${ips.map((a) => `- addresses: [${a}]\n  conditions: {ready: true}`).join("\n")}
`;
}

async function apply(yaml: string): Promise<void> {
  const file = join(server.dir.path, `m-${Date.now()}-${Math.random()}.yaml`);
  writeFileSync(file, yaml);
  await server.client("1.32").ok("apply", "-f", file);
}

function get(from: string, url: string): string {
  const r = inNetns(from, ["timeout", "3", "busybox", "wget", "-qO-", url]);
  return r.code === 0 ? r.stdout.trim() : `error:${r.code}`;
}

function backendsSeen(from: string, url: string, n: number): Set<string> {
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) seen.add(get(from, url));
  return seen;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

before(async () => {
  await server.start();
  b1 = net.addPod("b1");
  b2 = net.addPod("b2");
  client = net.addPod("c");
  for (const [name, pod] of [
    ["b1", b1],
    ["b2", b2],
  ] as const) {
    const dir = join(server.dir.path, `www-${name}`);
    mkdirSync(dir);
    writeFileSync(join(dir, "index.html"), `${name}\n`);
    net.spawnIn(pod.ns, ["busybox", "httpd", "-f", "-p", "8080", "-h", dir]);
  }
  // Service IPs are routed to the bridge so that the node's own packets reach the OUTPUT hook.
  ip("-n", net.node, "route", "add", "10.43.0.0/16", "dev", net.bridge);
  await apply(`apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  type: NodePort
  clusterIP: 10.43.7.10
  ports: [{name: http, port: 80, targetPort: 8080, nodePort: 30080}]
---
apiVersion: v1
kind: Service
metadata: {name: sticky, namespace: default}
spec:
  clusterIP: 10.43.7.11
  sessionAffinity: ClientIP
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: default}
spec:
  clusterIP: 10.43.7.12
  ports: [{name: http, port: 80, targetPort: 8080}]
---
${slice("web-1", "web", [b1.ip, b2.ip])}
---
${slice("sticky-1", "sticky", [b1.ip, b2.ip])}
`);
  transport = new HttpsTransport({ connection: loadKubeconfig(server.kubeconfig) });
  proxy = new ServiceProxy({
    client: new RestClient({ transport }),
    nodeName: "node-1",
    table,
    clusterCidr: `${net.prefix}.0/24`,
    nftCommand: ["ip", "netns", "exec", net.node, "nft"],
  });
  await proxy.start();
  await eventually(() => get(b1.ns, `http://${b1.ip}:8080/`) === "b1", "backend b1 to serve");
  await eventually(() => get(b2.ns, `http://${b2.ip}:8080/`) === "b2", "backend b2 to serve");
});

after(async () => {
  await proxy?.stop();
  transport?.close();
  net.destroy();
  await server.stop();
});

test("a ClusterIP spreads requests from a pod over both backends", () => {
  assert.deepEqual([...backendsSeen(client.ns, "http://10.43.7.10/", 30)].sort(), ["b1", "b2"]);
});

test("the node itself reaches the ClusterIP", () => {
  assert.deepEqual([...backendsSeen(net.node, "http://10.43.7.10/", 30)].sort(), ["b1", "b2"]);
});

test("NodePort on the node's address reaches the backends", () => {
  assert.deepEqual([...backendsSeen(client.ns, `http://${net.nodeIp}:30080/`, 30)].sort(), ["b1", "b2"]);
});

test("a pod reaching its own service may land on itself (hairpin)", () => {
  assert.deepEqual([...backendsSeen(b1.ns, "http://10.43.7.10/", 30)].sort(), ["b1", "b2"]);
});

test("ClientIP affinity keeps a client on one backend", () => {
  assert.equal(backendsSeen(client.ns, "http://10.43.7.11/", 20).size, 1);
});

test("a service without endpoints refuses at once instead of timing out", () => {
  const started = Date.now();
  const r = inNetns(client.ns, ["timeout", "3", "busybox", "wget", "-O-", "http://10.43.7.12/"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /refused|unreachable/i);
  assert.ok(Date.now() - started < 2500, "rejected, not dropped");
});

test("an endpoint removed from the slice stops receiving traffic", async () => {
  await apply(slice("web-1", "web", [b1.ip]));
  await eventually(() => {
    const seen = backendsSeen(client.ns, "http://10.43.7.10/", 10);
    return seen.size === 1 && seen.has("b1");
  }, "only b1 behind the service");
});

test("stop() removes the table", async () => {
  const p = new ServiceProxy({
    client: new RestClient({ transport }),
    nodeName: "node-1",
    table: `${table}-2`,
    nftCommand: ["ip", "netns", "exec", net.node, "nft"],
  });
  await p.start();
  assert.match(inNetns(net.node, ["nft", "list", "tables"]).stdout, new RegExp(`${table}-2`));
  await p.stop();
  assert.doesNotMatch(inNetns(net.node, ["nft", "list", "tables"]).stdout, new RegExp(`${table}-2`));
});
