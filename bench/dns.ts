// Cluster DNS benchmark: wall-clock queries/s and latency of the DNS server (its own process)
// under UDP load from worker threads (bench/dns-run.ts). Prints one JSON document.
// Usage: npm run bench:dns   Environment: SKIFF_BENCH_DNS_WORKERS (2), SKIFF_BENCH_DNS_INFLIGHT
// (64 per worker), SKIFF_BENCH_DNS_SECONDS (5, after 1 s of warm-up), SKIFF_BENCH_DNS_PROF=dir
// (writes the server's --cpu-prof there).
import { runDnsBench } from "./dns-run.ts";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const prof = process.env.SKIFF_BENCH_DNS_PROF;
const result = await runDnsBench({
  workers: env("SKIFF_BENCH_DNS_WORKERS", 2),
  inFlightPerWorker: env("SKIFF_BENCH_DNS_INFLIGHT", 64),
  durationMs: env("SKIFF_BENCH_DNS_SECONDS", 5) * 1000,
  ...(prof ? { serverExecArgv: ["--cpu-prof", "--cpu-prof-dir", prof] } : {}),
});
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
