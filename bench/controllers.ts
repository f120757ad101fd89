// Workload controllers at scale: `skiff server` (scheduler embedded, controllers disabled),
// `skiff controller-manager` and `skiff sim --nodes 100` as separate processes. Prints JSON:
// time for a Deployment of 1,000 replicas to become available, for its rolling update (default
// 25%/25%), ReplicaSet reconcile throughput, and the controller-manager's peak RSS.
// Usage: node --import tsx bench/controllers.ts [replicas=1000] [nodes=100] [replicaSets=300]
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import { HttpsTransport } from "../src/client/https-transport.ts";
import { loadKubeconfig } from "../src/client/kubeconfig.ts";
import { RestClient } from "../src/client/rest.ts";
import { SkiffServer } from "../test/support/skiff-server.ts";

const replicas = Number(process.argv[2] ?? 1000);
const nodes = Number(process.argv[3] ?? 100);
const replicaSetCount = Number(process.argv[4] ?? 300);
const main = resolve(import.meta.dirname, "../src/cli/main.ts");

function rssMb(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

async function start(args: string[], readyText: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((ready, fail) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes(readyText)) ready();
    });
    child.once("exit", (code) => fail(new Error(`skiff ${args[0]} exited with ${code}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  await exited;
}

const server = new SkiffServer();
await server.start(["--disable-controller-manager"]);
const children: ChildProcess[] = [];
const client = new RestClient({
  transport: new HttpsTransport({ connection: loadKubeconfig(server.kubeconfig) }),
});
try {
  children.push(
    await start(["sim", "--kubeconfig", server.kubeconfig, "--nodes", String(nodes)], "skiff sim ready"),
  );
  const cm = await start(
    ["controller-manager", "--kubeconfig", server.kubeconfig],
    "skiff controller-manager started",
  );
  children.push(cm);
  let peakRss = rssMb(cm.pid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(cm.pid));
  }, 200);
  const deployments = client.resource<Deployment>({
    group: "apps",
    version: "v1",
    resource: "deployments",
    namespaced: true,
    kind: "Deployment",
  });
  const sets = client.resource<ReplicaSet>({
    group: "apps",
    version: "v1",
    resource: "replicasets",
    namespaced: true,
    kind: "ReplicaSet",
  });

  const complete = async (name: string): Promise<void> => {
    for (;;) {
      const d = await deployments.get(name, { namespace: "default" });
      const s = d.status ?? {};
      if (
        (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
        s.updatedReplicas === replicas &&
        s.replicas === replicas &&
        s.availableReplicas === replicas
      )
        return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  let t = performance.now();
  await deployments.create({
    metadata: { name: "big", namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: "big" } },
      template: {
        metadata: { labels: { app: "big" } },
        spec: { containers: [{ name: "c", image: "img:1" }] },
      },
    },
  });
  await complete("big");
  const availableSeconds = (performance.now() - t) / 1000;

  t = performance.now();
  await deployments.patch(
    "big",
    { spec: { template: { spec: { containers: [{ name: "c", image: "img:2" }] } } } },
    { type: "strategic", namespace: "default" },
  );
  await complete("big");
  const rollingUpdateSeconds = (performance.now() - t) / 1000;
  await deployments.delete("big", { namespace: "default" });

  t = performance.now();
  for (let i = 0; i < replicaSetCount; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, replicaSetCount - i) }, (_, j) =>
        sets.create({
          metadata: { name: `rs-${i + j}`, namespace: "default" },
          spec: {
            replicas: 1,
            selector: { matchLabels: { rs: `rs-${i + j}` } },
            template: {
              metadata: { labels: { rs: `rs-${i + j}` } },
              spec: { containers: [{ name: "c", image: "img:1" }] },
            },
          },
        }),
      ),
    );
  }
  for (;;) {
    const list = await sets.listAll({ namespace: "default", labelSelector: "" });
    const done = list.items.filter(
      (rs) => rs.metadata?.name?.startsWith("rs-") && rs.status?.readyReplicas === 1,
    ).length;
    if (done >= replicaSetCount) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const rsSeconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  process.stdout.write(
    `${JSON.stringify(
      {
        nodes,
        replicas,
        deploymentAvailableSeconds: +availableSeconds.toFixed(2),
        rollingUpdateSeconds: +rollingUpdateSeconds.toFixed(2),
        targets: { availableSeconds: 5, rollingUpdateSeconds: 15 },
        replicaSets: replicaSetCount,
        replicaSetsReadyPerSecond: +(replicaSetCount / rsSeconds).toFixed(1),
        controllerManagerPeakRssMb: peakRss,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  client.close();
  for (const c of children.reverse()) await stop(c);
  await server.stop();
}
