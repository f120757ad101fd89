// Cluster DNS benchmark: queries/s and latency of the DNS server (its own process) under UDP load
// from this process, 256 queries in flight, over names of 1,000 services (ClusterIP and headless
// with 10 endpoints) plus NXDOMAIN names. Usage: npm run bench:dns   Prints one JSON document.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { decodeResponse, encodeQuery, RType } from "../src/dns/message.ts";

const total = Number(process.env.SKIFF_BENCH_DNS_QUERIES ?? 200_000);
const window = 256;

const child = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "dns-server.ts")], {
  stdio: ["ignore", "pipe", "inherit"],
});
const port = await new Promise<number>((ok, fail) => {
  let out = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    const line = out.split("\n")[0];
    if (out.includes("\n") && line) ok((JSON.parse(line) as { port: number }).port);
  });
  child.once("exit", (code) => fail(new Error(`dns server exited ${code}`)));
});

const names = Array.from({ length: 1000 }, (_, i) =>
  i % 10 === 9 ? `missing-${i}.bench.svc.cluster.local` : `svc-${i}.bench.svc.cluster.local`,
);
const socket = createSocket("udp4");
const sentAt = new Map<number, number>();
const latencies: number[] = [];
let sent = 0;
let answered = 0;
let errors = 0;
let lost = 0;
const cpuTicks = (): number => {
  // utime + stime of the server process, in clock ticks (100/s on Linux).
  const fields = readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return Number(fields[11]) + Number(fields[12]);
};
const cpuBefore = cpuTicks();
const started = performance.now();
await new Promise<void>((done) => {
  const send = (): void => {
    if (sent >= total) return;
    const id = sent & 0xffff;
    const name = names[sent % names.length] ?? "";
    sentAt.set(id, performance.now());
    socket.send(encodeQuery(id, name, RType.A), port, "127.0.0.1");
    sent++;
  };
  socket.on("message", (msg) => {
    const r = decodeResponse(msg);
    const t0 = sentAt.get(r.id);
    if (t0 !== undefined) {
      latencies.push(performance.now() - t0);
      sentAt.delete(r.id);
    }
    if (r.rcode !== 0 && r.rcode !== 3) errors++;
    answered++;
    if (answered >= total) done();
    else send();
  });
  for (let i = 0; i < window; i++) send();
  // A datagram lost under load would stall the window: count it and send another.
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const [id, t0] of sentAt) {
      if (now - t0 < 1000) continue;
      sentAt.delete(id);
      lost++;
      answered++;
      if (answered >= total) {
        clearInterval(sweep);
        done();
        return;
      }
      send();
    }
  }, 200);
  socket.once("close", () => clearInterval(sweep));
});
const seconds = (performance.now() - started) / 1000;
const serverCpuSeconds = (cpuTicks() - cpuBefore) / 100;
socket.close();
child.kill("SIGTERM");
latencies.sort((a, b) => a - b);
const pct = (p: number) =>
  Math.round((latencies[Math.floor((p / 100) * (latencies.length - 1))] ?? 0) * 1000) / 1000;
process.stdout.write(
  `${JSON.stringify(
    {
      benchmark: "dns",
      queries: total,
      inFlight: window,
      queriesPerSecond: Math.round(total / seconds),
      latencyMs: { p50: pct(50), p99: pct(99) },
      // Machine-load independent: what one core could answer at the server's CPU cost per query.
      serverCpuMicrosPerQuery: Math.round((serverCpuSeconds / total) * 1e6 * 10) / 10,
      queriesPerCoreSecond: Math.round(total / serverCpuSeconds),
      errors,
      lost,
      target: { queriesPerSecond: 10_000 },
    },
    null,
    2,
  )}\n`,
);
