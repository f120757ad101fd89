// The metrics API's side at scale: `skiff server` + `skiff sim --nodes N` (separate processes) with
// P pods spread over the hollow nodes; this process then scrapes every node through the sim's one
// loopback listener exactly as the API server's collector does (same scraper, parser and rates)
// and prints JSON: CPU ms per scrape round here (the API server's share) and in the sim process.
// Usage: node --import tsx bench/metrics-hollow.ts [nodes=200] [pods=400] [rounds=10]
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Node } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../src/api/object.ts";
import type { ResourceDef } from "../src/api/resource.ts";
import { MetricsCollector } from "../src/apiserver/metricsapi/collector.ts";
import { KubeletScraper } from "../src/apiserver/metricsapi/scraper.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";

const nodes = Number(process.argv[2] ?? 200);
const pods = Number(process.argv[3] ?? 400);
const rounds = Number(process.argv[4] ?? 10);

/** utime+stime of a process in ms (USER_HZ 100). */
function processCpuMs(pid: number | undefined): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const server = new SkiffServer();
await server.start();
const main = resolve(import.meta.dirname, "../src/cli/main.ts");
let sim: ChildProcess | undefined;
try {
  sim = spawn(
    process.execPath,
    ["--import", "tsx", main, "sim", "--kubeconfig", server.kubeconfig, "--nodes", String(nodes)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const child = sim;
  await new Promise<void>((ready, fail) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("skiff sim ready")) ready();
    });
    child.once("exit", (code) => fail(new Error(`sim exited with ${code}`)));
  });
  const items = Array.from({ length: pods }, (_, i) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `p${i}`, annotations: { "skiff.dev/hollow-usage": "cpu=10m,memory=16Mi" } },
    spec: { nodeName: `hollow-node-${i % nodes}`, containers: [{ name: "c", image: "busybox:1.36" }] },
  }));
  const created = await server.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify({ apiVersion: "v1", kind: "List", items }),
    timeoutMs: 600_000,
  });
  if (created.code !== 0) throw new Error(created.stderr);
  const nodeList = JSON.parse((await server.kubectl(["get", "nodes", "-o", "json"])).stdout) as {
    items: Node[];
  };
  // Wait (at most 2 minutes) until the hollow nodes run every pod; the JSON says how many did.
  let running = 0;
  for (let i = 0; i < 120 && running < pods; i++) {
    const r = await server.kubectl(["get", "pods", "--field-selector=status.phase=Running", "-o", "name"]);
    running = r.stdout.split("\n").filter(Boolean).length;
    if (running < pods) await new Promise((r) => setTimeout(r, 1000));
  }
  const pki = join(dirname(server.kubeconfig), "pki");
  const scraper = new KubeletScraper({
    cert: readFileSync(join(pki, "kubelet-client.crt"), "utf8"),
    key: readFileSync(join(pki, "kubelet-client.key"), "utf8"),
  });
  const collector = new MetricsCollector({
    source: {
      list: async () => ({ items: nodeList.items as KubeObject[], revision: 1 }),
      watch: () => ({ close() {} }),
      currentRevision: async () => 1,
    },
    nodes: { resource: "nodes" } as ResourceDef,
    pods: { resource: "pods" } as ResourceDef,
    fetch: (t) => scraper.fetch(t),
    onError: (err, node) => {
      throw new Error(`scraping ${node}: ${String(err)}`);
    },
  });
  await collector.scrapeOnce();
  await new Promise((r) => setTimeout(r, 1000));
  const self0 = selfCpuMs();
  const sim0 = processCpuMs(sim.pid);
  const wall0 = performance.now();
  for (let i = 0; i < rounds; i++) await collector.scrapeOnce();
  const wallMs = (performance.now() - wall0) / rounds;
  const selfMs = (selfCpuMs() - self0) / rounds;
  const simMs = (processCpuMs(sim.pid) - sim0) / rounds;
  scraper.close();
  const podMetrics = collector.listPodMetrics().length;
  process.stdout.write(
    `${JSON.stringify(
      {
        hollowNodes: nodes,
        pods,
        podsRunning: running,
        rounds,
        podMetricsServed: podMetrics,
        nodeMetricsServed: collector.listNodeMetrics().length,
        apiServerSideCpuMsPerRound: +selfMs.toFixed(1),
        simSideCpuMsPerRound: +simMs.toFixed(1),
        wallMsPerRound: +wallMs.toFixed(1),
        apiServerCoreShareAt15s: `${((selfMs / 15_000) * 100).toFixed(2)}%`,
        simCoreShareAt15s: `${((simMs / 15_000) * 100).toFixed(2)}%`,
        note: "sim CPU includes its heartbeats during the rounds",
      },
      null,
      2,
    )}\n`,
  );
} finally {
  if (sim && sim.exitCode === null) {
    const exited = new Promise((r) => sim?.once("exit", r));
    sim.kill("SIGTERM");
    await exited;
  }
  await server.stop();
}
