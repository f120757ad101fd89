// The cluster DNS benchmark as a function (bench/dns.ts prints it; bench/network.ts includes it):
// the DNS server in its own process (bench/dns-server.ts: 1,000 services, half headless with 10
// endpoints) under UDP load from bench/dns-load.ts's worker threads, over names of those services
// and 10 % NXDOMAIN names. Reports wall-clock queries/s over the measuring window, latency
// percentiles, the server's CPU per query, and the load generator's CPU, so a reader can tell
// which side was the bottleneck.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { encodeQuery, RType } from "../src/dns/message.ts";
import { generateLoad } from "./dns-load.ts";

export interface DnsBenchOptions {
  workers?: number;
  inFlightPerWorker?: number;
  warmupMs?: number;
  durationMs?: number;
  /** Extra node flags for the server process (e.g. --cpu-prof). */
  serverExecArgv?: string[];
}

const target = { queriesPerSecond: 10_000 };

/** utime + stime of a process in ms (clock ticks of 10 ms). */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function runDnsBench(o: DnsBenchOptions = {}) {
  const workers = o.workers ?? 2;
  // 128 in flight in all: more overflows the server socket's default receive buffer (about 270
  // small datagrams), and lost queries measure the buffer, not the server.
  const inFlightPerWorker = o.inFlightPerWorker ?? 64;
  const warmupMs = o.warmupMs ?? 1000;
  const durationMs = o.durationMs ?? 5000;
  const child = spawn(
    process.execPath,
    [...(o.serverExecArgv ?? []), "--import", "tsx", resolve(import.meta.dirname, "dns-server.ts")],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    const port = await new Promise<number>((ok, fail) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        const line = out.split("\n")[0];
        if (out.includes("\n") && line) ok((JSON.parse(line) as { port: number }).port);
      });
      child.once("exit", (code) => fail(new Error(`dns server exited ${code}`)));
    });
    const pid = child.pid ?? 0;
    const queries = Array.from({ length: 1000 }, (_, i) =>
      encodeQuery(
        0,
        i % 10 === 9 ? `missing-${i}.bench.svc.cluster.local` : `svc-${i}.bench.svc.cluster.local`,
        RType.A,
      ),
    );
    const serverCpu0 = processCpuMs(pid);
    const loadCpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const r = await generateLoad({
      host: "127.0.0.1",
      port,
      queries,
      workers,
      inFlightPerWorker,
      warmupMs,
      durationMs,
    });
    const wallMs = performance.now() - wall0;
    const serverCpuMs = processCpuMs(pid) - serverCpu0;
    const load = process.cpuUsage(loadCpu0);
    // Latency as one client sees it on an idle server: one query at a time for 2 s.
    const single = await generateLoad({
      host: "127.0.0.1",
      port,
      queries,
      workers: 1,
      inFlightPerWorker: 1,
      warmupMs: 200,
      durationMs: 2000,
    });
    const loadCpuMs = (load.user + load.system) / 1000;
    const pct = (p: number, l = r.latenciesMs) =>
      Math.round((l[Math.floor((p / 100) * (l.length - 1))] ?? 0) * 1000) / 1000;
    const qps = Math.round(r.answered / (durationMs / 1000));
    return {
      benchmark: "dns",
      loadGenerator: { workers, inFlightPerWorker, warmupMs, measuredMs: durationMs },
      queriesPerSecond: qps,
      // Under the full load: mostly queueing behind the other queries in flight.
      latencyMs: { p50: pct(50), p99: pct(99), max: pct(100) },
      oneInFlight: {
        queriesPerSecond: Math.round(single.answered / 2),
        latencyMs: { p50: pct(50, single.latenciesMs), p99: pct(99, single.latenciesMs) },
      },
      answered: r.answered,
      errors: r.errors,
      lost: r.lost,
      // Machine-load independent: the server's CPU per answered query over the whole run.
      serverCpuMicrosPerQuery: Math.round((serverCpuMs / r.total) * 1000 * 10) / 10,
      queriesPerServerCoreSecond: Math.round(r.total / (serverCpuMs / 1000)),
      // Near 1.0: the server had a whole core and was the bottleneck; well below with a low
      // rate, the generator or a loaded machine held it back.
      serverCoreShare: Math.round((serverCpuMs / wallMs) * 100) / 100,
      loadGeneratorCpuMicrosPerQuery: Math.round((loadCpuMs / r.total) * 1000 * 10) / 10,
      loadGeneratorCoreShare: Math.round((loadCpuMs / wallMs) * 100) / 100,
      target,
      meetsTarget: qps >= target.queriesPerSecond,
    };
  } finally {
    child.kill("SIGTERM");
  }
}
