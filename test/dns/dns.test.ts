// Cluster DNS against a real API server: records follow Services and EndpointSlices created with
// kubectl (through a watch), answered to Node's resolver (c-ares, a real DNS client) over UDP and
// TCP, and names outside the cluster are forwarded upstream.
import assert from "node:assert/strict";
import { Resolver } from "node:dns/promises";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { loadKubeconfig } from "../../src/client/kubeconfig.ts";
import { RestClient } from "../../src/client/rest.ts";
import { type DnsRecordSync, syncClusterRecords } from "../../src/dns/controller.ts";
import { ClusterRecords } from "../../src/dns/records.ts";
import { type RunningDnsServer, startDnsServer } from "../../src/dns/server.ts";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer({ apiOnly: true });
let transport: HttpsTransport;
let sync: DnsRecordSync;
let dns: RunningDnsServer;
let upstream: RunningDnsServer;
let resolver: Resolver;

before(async () => {
  await server.start();
  const manifest = join(server.dir.path, "dns.yaml");
  writeFileSync(
    manifest,
    `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  clusterIP: 10.43.0.77
  ports: [{name: http, port: 80, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: default}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: pg, port: 5432}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: db-manual
  namespace: default
  labels: {kubernetes.io/service-name: db}
addressType: IPv4
ports: [{name: pg, port: 5432, protocol: TCP}]
endpoints:
- addresses: [10.42.0.5]
  hostname: db-0
  conditions: {ready: true}
- addresses: [10.42.0.6]
  hostname: db-1
  conditions: {ready: true}
`,
  );
  await server.client("1.32").ok("apply", "-f", manifest);
  transport = new HttpsTransport({ connection: loadKubeconfig(server.kubeconfig) });
  const records = new ClusterRecords();
  sync = syncClusterRecords(new RestClient({ transport }), records);
  assert.equal(await sync.synced, true);
  // The upstream: another resolver of ours, authoritative for a zone the cluster does not own.
  const outside = new ClusterRecords({ domain: "example.test" });
  outside.upsertService({ metadata: { name: "www", namespace: "ext" }, spec: { clusterIP: "192.0.2.10" } });
  upstream = await startDnsServer({ records: outside, host: "127.0.0.1", port: 0, upstreams: [] });
  dns = await startDnsServer({
    records,
    host: "127.0.0.1",
    port: 0,
    upstreams: [{ host: "127.0.0.1", port: upstream.port }],
  });
  resolver = new Resolver({ timeout: 2000, tries: 1 });
  resolver.setServers([`127.0.0.1:${dns.port}`]);
});

after(async () => {
  await dns?.close();
  await upstream?.close();
  await sync?.stop();
  transport?.close();
  await server.stop();
});

test("services, headless endpoints and SRV records resolve", async () => {
  assert.deepEqual(await resolver.resolve4("web.default.svc.cluster.local"), ["10.43.0.77"]);
  assert.deepEqual((await resolver.resolve4("db.default.svc.cluster.local")).sort(), [
    "10.42.0.5",
    "10.42.0.6",
  ]);
  assert.deepEqual(await resolver.resolve4("db-1.db.default.svc.cluster.local"), ["10.42.0.6"]);
  assert.deepEqual(await resolver.resolveSrv("_http._tcp.web.default.svc.cluster.local"), [
    { name: "web.default.svc.cluster.local", port: 80, priority: 0, weight: 100 },
  ]);
  assert.deepEqual(await resolver.reverse("10.43.0.77"), ["web.default.svc.cluster.local"]);
  assert.deepEqual(await resolver.resolve4("10-42-3-4.default.pod.cluster.local"), ["10.42.3.4"]);
});

test("a wrong name gets NXDOMAIN", async () => {
  await assert.rejects(resolver.resolve4("nope.default.svc.cluster.local"), { code: "ENOTFOUND" });
});

test("a service created later resolves once its event arrives, and stops after deletion", async () => {
  const k = server.client("1.32");
  await k.ok("create", "service", "clusterip", "late", "--tcp=8080:8080", "--clusterip=10.43.0.88");
  const deadline = Date.now() + 10_000;
  let got: string[] = [];
  while (Date.now() < deadline) {
    got = await resolver.resolve4("late.default.svc.cluster.local").catch(() => []);
    if (got.length > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(got, ["10.43.0.88"]);
  await k.ok("delete", "service", "late");
  const gone = Date.now() + 10_000;
  let code = "";
  while (Date.now() < gone && code !== "ENOTFOUND") {
    code = await resolver.resolve4("late.default.svc.cluster.local").then(
      () => "",
      (e: { code?: string }) => e.code ?? "",
    );
  }
  assert.equal(code, "ENOTFOUND");
});

test("other names are forwarded upstream", async () => {
  assert.deepEqual(await resolver.resolve4("www.ext.svc.example.test"), ["192.0.2.10"]);
});

test("TCP answers too (c-ares retries over TCP on a truncated answer; here it is asked directly)", async () => {
  const tcp = new Resolver({ timeout: 2000, tries: 1 });
  tcp.setServers([`127.0.0.1:${dns.port}`]);
  // A headless service with many endpoints overflows 512 bytes and forces the TCP path.
  const endpoints = Array.from(
    { length: 60 },
    (_, i) => `- addresses: [10.42.1.${i + 1}]\n  conditions: {ready: true}`,
  );
  const manifest = join(server.dir.path, "many.yaml");
  writeFileSync(
    manifest,
    `apiVersion: v1
kind: Service
metadata: {name: many, namespace: default}
spec: {clusterIP: None, ports: [{port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: many-1, namespace: default, labels: {kubernetes.io/service-name: many}}
addressType: IPv4
endpoints:
${endpoints.join("\n")}
`,
  );
  await server.client("1.32").ok("apply", "-f", manifest);
  const deadline = Date.now() + 10_000;
  let got: string[] = [];
  while (Date.now() < deadline && got.length < 60) {
    got = await tcp.resolve4("many.default.svc.cluster.local").catch(() => []);
    if (got.length < 60) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(got.length, 60);
});
