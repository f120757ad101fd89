// Ingress data-plane benchmark: requests/s and latency (p50/p99) of keep-alive HTTP GETs through
// the ingress beside the same load sent straight to the backends, and the ingress's CPU time per
// request. The backends (two node:http servers), the load generator and the ingress each run in
// their own process; the routing table is built from objects here, no cluster needed.
// Usage: node --import tsx bench/ingress.ts   Prints one JSON document.
import { type ChildProcess, spawn } from "node:child_process";
import { Agent, createServer, request } from "node:http";
import { performance } from "node:perf_hooks";
import { selfSignedCertificate } from "../src/ingress/certs.ts";
import { IngressDataPlane } from "../src/ingress/dataplane.ts";
import { buildRoutingTable } from "../src/ingress/table.ts";

const role = process.argv[2] ?? "main";
const total = Number(process.env.SKIFF_BENCH_INGRESS_REQUESTS ?? 20_000);
const concurrency = Number(process.env.SKIFF_BENCH_INGRESS_CONCURRENCY ?? 32);

function listening(child: ChildProcess): Promise<string> {
  return new Promise((ok, fail) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) ok(out.slice(0, nl));
    });
    child.once("exit", (code) => fail(new Error(`${role} child exited ${code}`)));
  });
}

async function backend(): Promise<void> {
  const body = Buffer.from("x".repeat(256));
  const ports: number[] = [];
  for (let i = 0; i < 2; i++) {
    const s = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": body.length });
      res.end(body);
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const a = s.address();
    ports.push(typeof a === "object" && a ? a.port : 0);
  }
  process.stdout.write(`${JSON.stringify(ports)}\n`);
}

/** Sends `total` GETs over `concurrency` keep-alive connections; prints latencies' summary. */
async function load(targets: { port: number; host: string }[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const one = (i: number): Promise<void> =>
    new Promise((done) => {
      const t = targets[i % targets.length] ?? { port: 0, host: "" };
      const began = performance.now();
      const req = request({
        host: "127.0.0.1",
        port: t.port,
        path: "/bench",
        headers: { host: t.host },
        agent,
      });
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => {
          if (res.statusCode !== 200) errors++;
          latencies.push(performance.now() - began);
          done();
        });
      });
      req.on("error", () => {
        errors++;
        done();
      });
      req.end();
    });
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Number((latencies[Math.floor(p * (latencies.length - 1))] ?? 0).toFixed(3));
  process.stdout.write(
    `${JSON.stringify({ requestsPerSecond: Math.round(latencies.length / seconds), p50Ms: q(0.5), p99Ms: q(0.99), errors })}\n`,
  );
  agent.destroy();
}

function child(args: string[]): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", import.meta.filename, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
}

async function runLoad(targets: { port: number; host: string }[]): Promise<Record<string, number>> {
  const c = child(["load", JSON.stringify(targets)]);
  const line = await listening(c);
  await new Promise((r) => c.once("exit", r));
  return JSON.parse(line) as Record<string, number>;
}

async function main(): Promise<void> {
  const backends = child(["backend"]);
  const ports = JSON.parse(await listening(backends)) as number[];
  const plane = new IngressDataPlane({ defaultCertificate: await selfSignedCertificate() });
  plane.setTable(
    buildRoutingTable({
      ingressClasses: [{ metadata: { name: "skiff" }, spec: { controller: "skiff.dev/ingress" } }],
      ingresses: [
        {
          metadata: { namespace: "bench", name: "bench" },
          spec: {
            ingressClassName: "skiff",
            rules: [
              {
                host: "bench.test",
                http: {
                  paths: [
                    {
                      path: "/",
                      pathType: "Prefix",
                      backend: { service: { name: "web", port: { number: 80 } } },
                    },
                  ],
                },
              },
            ],
          },
        },
      ],
      services: [
        { metadata: { namespace: "bench", name: "web" }, spec: { ports: [{ name: "http", port: 80 }] } },
      ],
      endpointSlices: ports.map((port, i) => ({
        metadata: { namespace: "bench", name: `web-${i}`, labels: { "kubernetes.io/service-name": "web" } },
        addressType: "IPv4",
        ports: [{ name: "http", port, protocol: "TCP" }],
        endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }],
      })),
      secrets: [],
    }),
  );
  const { http } = await plane.listen({ http: 0 });
  const ingressPort = http.port ?? 0;
  const direct = await runLoad(ports.map((port) => ({ port, host: "bench.test" })));
  const cpuBefore = process.cpuUsage();
  const through = await runLoad([{ port: ingressPort, host: "bench.test" }]);
  const cpu = process.cpuUsage(cpuBefore);
  await plane.close();
  backends.kill("SIGTERM");
  const cpuMicros = cpu.user + cpu.system;
  process.stdout.write(
    `${JSON.stringify(
      {
        requests: total,
        concurrency,
        direct,
        throughIngress: through,
        throughputRatio: Number(
          ((through.requestsPerSecond ?? 0) / (direct.requestsPerSecond ?? 1)).toFixed(3),
        ),
        ingressCpuMicrosPerRequest: Number((cpuMicros / total).toFixed(1)),
      },
      null,
      2,
    )}\n`,
  );
}

if (role === "backend") await backend();
else if (role === "load") await load(JSON.parse(process.argv[3] ?? "[]") as { port: number; host: string }[]);
else await main();
