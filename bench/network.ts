// Service networking benchmark. Prints one JSON document:
// - programming latency: an EndpointSlice change written to the API → the proxy's nftables
//   transaction applied, p50/p99 over 50 changes, with 1,000 services × 10 endpoints installed
//   (a real API server, the proxy's informers, real nft in a network namespace of its own);
// - the initial install of that ruleset;
// - HTTP request rate from a client namespace to a backend namespace through the ClusterIP beside
//   the same traffic to the pod IP directly (keep-alive off: every request is a new connection,
//   the case DNAT costs most), in one run.
// - cluster DNS queries/s (wall clock, UDP from worker threads) and latency p50/p99 (bench/dns-run.ts).
// Setup creates 2 × services API objects from 64 concurrent workers (a Service and its slice in
// parallel); its wall and CPU time are reported apart from the measured figures.
// Usage: npm run bench:network [-- 1000 10]   (services, endpoints per service)
import { execFileSync, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { RestClient } from "../src/client/rest.ts";
import { ServiceProxy } from "../src/proxy/proxier.ts";
import { ip, TestNetwork } from "../test/support/netns.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";
import { runDnsBench } from "./dns-run.ts";

const serviceCount = Number(process.argv[2] ?? 1000);
const endpointCount = Number(process.argv[3] ?? 10);
const cpuMs = (u: NodeJS.CpuUsage) => Math.round((u.user + u.system) / 1000);
/** CPU time of this process's waited-for children (nft runs), in ms (/proc/self/stat cutime+cstime). */
function childrenCpuMs(): number {
  const fields = readFileSync("/proc/self/stat", "utf8")
    .replace(/^.*\) /, "")
    .split(" ");
  // After the command name: state is field 3, cutime and cstime are fields 16 and 17 (clock ticks).
  return (Number(fields[13]) + Number(fields[14])) * 10;
}
const pct = (sorted: number[], p: number) =>
  Math.round(sorted[Math.floor((p / 100) * (sorted.length - 1))] ?? 0);

const server = new SkiffServer({ apiOnly: true });
const net = new TestNetwork("10.207.7");
let transport: HttpsTransport | undefined;
let proxy: ServiceProxy | undefined;
try {
  await server.start(["--service-cidr", "10.96.0.0/12"]);
  transport = new HttpsTransport({ connection: loadKubeconfig(server.kubeconfig), maxSockets: 32 });
  const client = new RestClient({ transport });
  const services = client.resource<Service>({
    group: "",
    version: "v1",
    resource: "services",
    namespaced: true,
    kind: "Service",
  });
  const slices = client.resource<EndpointSlice>({
    group: "discovery.k8s.io",
    version: "v1",
    resource: "endpointslices",
    namespaced: true,
    kind: "EndpointSlice",
  });
  const slice = (i: number, endpoints: number): EndpointSlice => ({
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    addressType: "IPv4",
    metadata: {
      name: `svc-${i}-x`,
      namespace: "default",
      labels: { "kubernetes.io/service-name": `svc-${i}` },
    },
    ports: [{ name: "http", port: 8080, protocol: "TCP" }],
    endpoints: Array.from({ length: endpoints }, (_, j) => ({
      addresses: [`10.${100 + (i >> 8)}.${i & 255}.${j + 1}`],
      conditions: { ready: true },
    })),
  });
  const queue = Array.from({ length: serviceCount }, (_, i) => i);
  const setupStarted = performance.now();
  const setupCpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const svc = services.create(
          {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: `svc-${i}`, namespace: "default" },
            spec: {
              clusterIP: `10.97.${i >> 8}.${i & 255}`,
              ports: [{ name: "http", port: 80, targetPort: 8080 }],
            },
          },
          { namespace: "default" },
        );
        await Promise.all([svc, slices.create(slice(i, endpointCount), { namespace: "default" })]);
      }
    }),
  );
  const setupMs = Math.round(performance.now() - setupStarted);
  const setupClientCpuMs = cpuMs(process.cpuUsage(setupCpu));

  // The proxy, with every apply timed.
  let applied: (() => void) | undefined;
  const applies: number[] = [];
  proxy = new ServiceProxy({
    client,
    nodeName: "bench",
    table: "skiff-bench",
    clusterCidr: "10.213.7.0/24",
    nftCommand: ["ip", "netns", "exec", net.node, "nft"],
    onError: (err) => process.stderr.write(`proxy: ${String(err)}\n`),
    onApplied: ({ durationMs }) => {
      applies.push(durationMs);
      applied?.();
    },
  });
  process.stderr.write(`created ${serviceCount} services\n`);
  const t0 = performance.now();
  await proxy.start();
  process.stderr.write("proxy installed\n");
  const initialInstallMs = Math.round(performance.now() - t0);

  const latencies: number[] = [];
  const changesCpu = process.cpuUsage();
  const changesChildCpu = childrenCpuMs();
  for (let n = 0; n < 50; n++) {
    const i = (n * 37) % serviceCount;
    if (process.env.SKIFF_BENCH_DEBUG) process.stderr.write(`get ${n}\n`);
    const current = await slices.get(`svc-${i}-x`, { namespace: "default" });
    const done = new Promise<void>((resolve) => {
      applied = resolve;
    });
    const started = performance.now();
    await slices.update(
      {
        ...slice(i, (current.endpoints ?? []).length === endpointCount ? endpointCount - 1 : endpointCount),
        metadata: current.metadata,
      },
      {
        namespace: "default",
      },
    );
    await done;
    latencies.push(performance.now() - started);
    if (process.env.SKIFF_BENCH_DEBUG)
      process.stderr.write(`change ${n}: ${Math.round(performance.now() - started)} ms\n`);
  }
  latencies.sort((a, b) => a - b);
  // The bench process holds the proxy (informers, planning) and the client writing the changes;
  // nft runs as a child, counted apart.
  const perChange = (ms: number) => Math.round((ms / 50) * 10) / 10;
  const cpuPerChangeMs = {
    benchProcess: perChange(cpuMs(process.cpuUsage(changesCpu))),
    nft: perChange(childrenCpuMs() - changesChildCpu),
  };
  process.stderr.write("programming latency measured\n");

  // Throughput: one backend (busybox httpd), a client namespace running Node's HTTP client.
  const backend = net.addPod("b");
  const clientNs = net.addPod("c");
  const dir = join(server.dir.path, "www");
  execFileSync("mkdir", ["-p", dir]);
  writeFileSync(join(dir, "index.html"), "ok\n");
  net.spawnIn(backend.ns, ["busybox", "httpd", "-f", "-p", "8080", "-h", dir]);
  ip("-n", net.node, "route", "add", "10.96.0.0/12", "dev", net.bridge);
  await services.create(
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "bench-web", namespace: "default" },
      spec: { clusterIP: "10.98.0.10", ports: [{ name: "http", port: 80, targetPort: 8080 }] },
    },
    { namespace: "default" },
  );
  await slices.create(
    {
      ...slice(0, 1),
      metadata: {
        name: "bench-web-x",
        namespace: "default",
        labels: { "kubernetes.io/service-name": "bench-web" },
      },
      endpoints: [{ addresses: [backend.ip], conditions: { ready: true } }],
    },
    { namespace: "default" },
  );
  await new Promise((r) => setTimeout(r, 1500));
  const load = (url: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const script = `const http=require("http");let n=0,err=0;const end=Date.now()+5000;function one(){if(Date.now()>end){return}http.get(${JSON.stringify(url)},{agent:false},(r)=>{r.resume();r.on("end",()=>{n++;one()})}).on("error",()=>{err++;one()})}for(let i=0;i<8;i++)one();setTimeout(()=>{console.log(JSON.stringify({n,err}))},5200)`;
      const child = spawn("ip", ["netns", "exec", clientNs.ns, process.execPath, "-e", script], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
      });
      child.on("close", () => {
        try {
          resolve((JSON.parse(out) as { n: number }).n / 5);
        } catch (e) {
          reject(e);
        }
      });
    });
  const direct = await load(`http://${backend.ip}:8080/`);
  const viaService = await load("http://10.98.0.10/");
  // Cluster DNS last, with the proxy idle: its own server process under UDP load (bench/dns-run.ts).
  const dns = await runDnsBench();
  const appliesSorted = [...applies].sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify(
      {
        benchmark: "network",
        services: serviceCount,
        endpointsPerService: endpointCount,
        setup: { apiObjects: serviceCount * 2, wallMs: setupMs, clientCpuMs: setupClientCpuMs },
        initialInstallMs,
        programmingLatencyMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), samples: latencies.length },
        cpuPerChangeMs,
        nftApplyMs: { p50: pct(appliesSorted, 50), p99: pct(appliesSorted, 99) },
        httpRequestsPerSecond: { direct: Math.round(direct), clusterIP: Math.round(viaService) },
        clusterIpToDirectRatio: Math.round((viaService / direct) * 100) / 100,
        dns: {
          queriesPerSecond: dns.queriesPerSecond,
          latencyMs: dns.latencyMs,
          oneInFlightLatencyMs: dns.oneInFlight.latencyMs,
          lost: dns.lost,
          errors: dns.errors,
          serverCpuMicrosPerQuery: dns.serverCpuMicrosPerQuery,
          serverCoreShare: dns.serverCoreShare,
          loadGeneratorCoreShare: dns.loadGeneratorCoreShare,
          loadGenerator: dns.loadGenerator,
        },
        targets: {
          programmingLatencyP99Ms: 1000,
          clusterIpToDirectRatio: 0.9,
          dnsQueriesPerSecond: dns.target.queriesPerSecond,
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  await proxy?.stop();
  transport?.close();
  net.destroy();
  await server.stop();
}
