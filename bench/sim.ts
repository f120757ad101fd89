// Hollow-node scale: starts `skiff server` and `skiff sim --nodes N` as separate processes and
// prints JSON with the registration time and the sim's RSS (target: 5,000 nodes under 1 GB).
// Usage: node --import tsx bench/sim.ts [nodes=5000] [settleSeconds=30]
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SkiffServer } from "../test/support/skiff-server.ts";

const nodes = Number(process.argv[2] ?? 5000);
const settleSeconds = Number(process.argv[3] ?? 30);

function rssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

const server = new SkiffServer();
await server.start();
const main = resolve(import.meta.dirname, "../src/cli/main.ts");
const began = performance.now();
const sim: ChildProcess = spawn(
  process.execPath,
  ["--import", "tsx", main, "sim", "--kubeconfig", server.kubeconfig, "--nodes", String(nodes)],
  { stdio: ["ignore", "pipe", "inherit"] },
);
await new Promise<void>((ready, fail) => {
  let out = "";
  sim.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
    if (out.includes("skiff sim ready")) ready();
  });
  sim.once("exit", (code) => fail(new Error(`sim exited with ${code}`)));
});
try {
  const registerSeconds = (performance.now() - began) / 1000;
  const rssAtReady = rssMb(sim.pid);
  let peak = rssAtReady;
  for (let i = 0; i < settleSeconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    peak = Math.max(peak, rssMb(sim.pid));
  }
  const ready = await server.kubectl(["get", "nodes", "--no-headers"]);
  const readyNodes = ready.stdout.split("\n").filter((l) => /\sReady\s/.test(l)).length;
  // jsonpath keeps the output small (kubectl output is read through a 1 MB buffer).
  const leases = await server.kubectl([
    "get",
    "leases",
    "-n",
    "kube-node-lease",
    "-o",
    'jsonpath={range .items[*]}{.spec.renewTime}{"\\n"}{end}',
  ]);
  const leaseItems = leases.stdout
    .trim()
    .split("\n")
    .map((renewTime) => ({ spec: { renewTime } }));
  const now = Date.now();
  // Renewed within the 40 s lease duration: what the node-lifecycle controller will check.
  const freshLeases = leaseItems.filter((l) => now - Date.parse(l.spec?.renewTime ?? "") < 40_000).length;
  const oldestLeaseAgeSeconds = Math.max(
    ...leaseItems.map((l) => (now - Date.parse(l.spec?.renewTime ?? "")) / 1000),
  );
  const result = {
    nodes,
    registerSeconds: Number(registerSeconds.toFixed(1)),
    readyNodes,
    leases: leaseItems.length,
    freshLeases,
    oldestLeaseAgeSeconds: Number(oldestLeaseAgeSeconds.toFixed(1)),
    simRssMbAtReady: rssAtReady,
    simRssMbPeak: peak,
    simRssMbAfterSettle: rssMb(sim.pid),
    serverRssMb: rssMb((server as unknown as { child?: ChildProcess }).child?.pid),
    settleSeconds,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  const exited = new Promise((r) => sim.once("exit", r));
  sim.kill("SIGTERM");
  await exited;
  await server.stop();
}
