// Cost of resource metrics, printed as JSON (CPU time, not wall clock):
//  - kubelet collection on the real-node path: CgroupStatsProvider reading N pods' real cgroup v1
//    files (pod + container cgroups created under /sys/fs/cgroup/{cpuacct,memory}/skiff-bench-metrics,
//    no processes in them, so no network read) from a static runtime listing, plus rendering
//    /metrics/resource; the CRI listing a real agent does on top is not included;
//  - the same for hollow nodes (synthetic figures);
//  - a /metrics/resource scrape over HTTPS with client-certificate auth (kubelet server + client in
//    this process: CPU of both sides, and wall time);
//  - the metrics API's side: parsing one scrape and computing rates.
// Target: collection for 100 pods ≤ 2% of a core at the default 15 s resolution (and per second).
// Usage: node --import tsx bench/metrics.ts [pods=100] [rounds=200]
import { mkdirSync, mkdtempSync, rmdirSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parseResourceMetrics } from "../src/apiserver/metricsapi/prometheus.ts";
import { podUsages } from "../src/apiserver/metricsapi/rates.ts";
import { ensurePki } from "../src/apiserver/pki.ts";
import { HollowStats } from "../src/kubelet/hollow/stats.ts";
import type { ContainerStatus, PodSandboxStatus, Runtime } from "../src/kubelet/runtime/runtime.ts";
import { ensureServingCert } from "../src/kubelet/server/cert.ts";
import { startKubeletServer } from "../src/kubelet/server/server.ts";
import { CgroupStatsProvider } from "../src/kubelet/stats/cgroup-provider.ts";
import { formatResourceMetrics } from "../src/kubelet/stats/resource-metrics.ts";
import { statsRoutes } from "../src/kubelet/stats/routes.ts";

const podCount = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 200);
const cgroupRoot = "/skiff-bench-metrics";
const hierarchies = ["cpuacct", "memory"];

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function measure(
  fn: () => Promise<unknown>,
  n: number,
): Promise<{ cpuMsPerRound: number; wallMsPerRound: number }> {
  for (let i = 0; i < Math.min(10, n); i++) await fn();
  const cpu0 = cpuMs();
  const wall0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return {
    cpuMsPerRound: +((cpuMs() - cpu0) / n).toFixed(3),
    wallMsPerRound: +((performance.now() - wall0) / n).toFixed(3),
  };
}

// N Guaranteed-free (BestEffort) pods with one container each, as the kubelet would place them.
const pods: Pod[] = [];
const sandboxes: PodSandboxStatus[] = [];
const containers: ContainerStatus[] = [];
for (let i = 0; i < podCount; i++) {
  const uid = `bench-${i}`;
  pods.push({ metadata: { name: `p${i}`, namespace: "bench", uid }, spec: { containers: [{ name: "c" }] } });
  sandboxes.push({
    id: `s${i}`,
    metadata: { name: `p${i}`, namespace: "bench", uid, attempt: 0 },
    state: "SANDBOX_READY",
    createdAt: Date.now(),
    network: { ip: "", additionalIps: [] },
    labels: {},
    annotations: {},
  });
  containers.push({
    id: `c${i}`,
    podSandboxId: `s${i}`,
    metadata: { name: "c", attempt: 0 },
    state: "CONTAINER_RUNNING",
    createdAt: Date.now(),
    startedAt: Date.now(),
    finishedAt: 0,
    exitCode: 0,
    image: { image: "x" },
    imageRef: "x",
    reason: "",
    message: "",
    labels: {},
    annotations: {},
  });
}
const runtime: Pick<Runtime, "listContainers" | "listPodSandboxes"> = {
  listContainers: async () => containers,
  listPodSandboxes: async () => sandboxes,
};

const created: string[] = [];
function createCgroups(): void {
  for (const h of hierarchies) {
    for (let i = 0; i < podCount; i++) {
      const dir = `/sys/fs/cgroup/${h}${cgroupRoot}/besteffort/podbench-${i}/c${i}`;
      mkdirSync(dir, { recursive: true });
    }
  }
  created.push(...hierarchies);
}
function removeCgroups(): void {
  for (const h of created) {
    for (let i = 0; i < podCount; i++) {
      for (const d of [`c${i}`, ""]) {
        try {
          rmdirSync(`/sys/fs/cgroup/${h}${cgroupRoot}/besteffort/podbench-${i}/${d}`);
        } catch {
          // Already gone.
        }
      }
    }
    for (const d of [`${cgroupRoot}/besteffort`, cgroupRoot]) {
      try {
        rmdirSync(`/sys/fs/cgroup/${h}${d}`);
      } catch {
        // Already gone.
      }
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), "skiff-bench-metrics-"));
createCgroups();
try {
  const provider = new CgroupStatsProvider({
    nodeName: "bench",
    runtime,
    pods: () => pods,
    cgroupRoot,
    dataDir: dir,
  });
  const check = await provider.summary();
  const measured = check.pods.filter((p) => p.containers[0]?.cpu && p.memory).length;
  const real = await measure(async () => formatResourceMetrics(await provider.summary()), rounds);

  const hollow = new HollowStats();
  const views = pods.map((pod, i) => ({
    pod,
    createdAt: Date.now(),
    containers: [{ id: `c${i}`, name: "c", startedAt: Date.now() }],
  }));
  const hollowCost = await measure(async () => formatResourceMetrics(hollow.summary("bench", views)), rounds);

  // Scrape over HTTPS with client-certificate auth, as the API server does.
  const pki = await ensurePki(join(dir, "pki"), { tlsSans: [], serviceIp: "10.0.0.1" });
  const server = await startKubeletServer({
    runtime: runtime as Runtime,
    host: "127.0.0.1",
    port: 0,
    tls: await ensureServingCert(join(dir, "kubelet"), "bench", ["127.0.0.1"]),
    clientCa: pki.ca.cert,
    routes: statsRoutes(provider),
  });
  let bytes = 0;
  const scrape = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: server.port,
          path: "/metrics/resource",
          cert: pki.kubeletClient.cert,
          key: pki.kubeletClient.key,
          rejectUnauthorized: false,
        },
        (res) => {
          let n = 0;
          res.on("data", (c: Buffer) => {
            n += c.length;
          });
          res.on("end", () => {
            bytes = n;
            if (res.statusCode === 200) resolve();
            else reject(new Error(`status ${res.statusCode}`));
          });
        },
      );
      req.on("error", reject);
      req.end();
    });
  const scrapeCost = await measure(scrape, Math.min(rounds, 100));
  await server.close();

  const text = formatResourceMetrics(await provider.summary());
  const prev = parseResourceMetrics(text, Date.now() - 15_000);
  const apiSide = await measure(async () => podUsages(prev, parseResourceMetrics(text, Date.now())), rounds);

  const perSecond = (cpuMsPerRound: number, resolutionS: number) => +(cpuMsPerRound / resolutionS).toFixed(3);
  const result = {
    pods: podCount,
    rounds,
    kubeletRealPath: {
      what: "CgroupStatsProvider on real cgroup v1 files + /metrics/resource text (CRI listing excluded)",
      podsMeasured: measured,
      ...real,
      cpuMsPerPodPerRound: +(real.cpuMsPerRound / podCount).toFixed(4),
      cpuMsPerSecondAt15s: perSecond(real.cpuMsPerRound, 15),
      cpuMsPerSecondAt1s: perSecond(real.cpuMsPerRound, 1),
      coreShareAt15s: `${((real.cpuMsPerRound / 15 / 1000) * 100).toFixed(3)}%`,
      coreShareAt1s: `${((real.cpuMsPerRound / 1000) * 100).toFixed(3)}%`,
    },
    kubeletHollowPath: { ...hollowCost, cpuMsPerSecondAt15s: perSecond(hollowCost.cpuMsPerRound, 15) },
    metricsResourceScrape: {
      what: "HTTPS GET with client cert, server and client in one process (CPU of both)",
      bytes,
      ...scrapeCost,
    },
    metricsApiParseAndRates: apiSide,
    target: "collection for 100 pods <= 2% of a core",
    meetsTargetAt15s: real.cpuMsPerRound / 15 / 1000 <= 0.02,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  removeCgroups();
  rmSync(dir, { recursive: true, force: true });
}
