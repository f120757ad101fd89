// A cluster with one real node for agent tests: `skiff server --disable-agent` plus a `skiff
// agent` child on Skiff's own containerd (or runc) (bridge `skk…`, a subnet of 10.203.0.0/16, cgroups under
// /skk…, its own data dir); helpers to read pods, wait, read container logs from the runtime's log
// files, and a teardown that checks the host keeps no bridge, cgroup or mount.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import { removeCgroup } from "../../src/kubelet/runtime/containerd/cgroups.ts";
import { SkiffChild } from "../support/skiff-child.ts";
import { skiffEntry } from "../support/skiff-entry.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";
import { launcherEnv, withEnv } from "./launch-env.ts";

export const busybox = "skiff.local/busybox:1";

export interface NodeCluster {
  server: SkiffServer;
  agent: SkiffChild;
  nodeName: string;
  dataDir: string;
  manifests: string;
  bridge: string;
  podCidr: string;
  cgroupRoot: string;
  kubectl(...args: string[]): Promise<string>;
  apply(yaml: string): Promise<void>;
  pod(name: string): Promise<Pod>;
  waitPod(name: string, ok: (p: Pod) => boolean, what: string, timeoutMs?: number): Promise<Pod>;
  /** stdout/stderr lines the container wrote (CRI log file), newest attempt unless given. */
  logs(pod: Pod, container: string, attempt?: number): string;
  startAgent(): Promise<SkiffChild>;
  teardown(): Promise<string[]>;
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return "";
  }
}

export async function startNodeCluster(options: {
  index: number;
  runtime?: "containerd" | "runc";
  /** Further `skiff agent` flags. */
  agentArgs?: string[];
}): Promise<NodeCluster> {
  const bridge = `skk${options.index}`;
  const subnet = `10.203.${options.index}.0/24`;
  const gateway = `10.203.${options.index}.1`;
  const serviceCidr = `10.204.${options.index}.0/24`;
  const cgroupRoot = `/skk${options.index}`;
  const nodeName = `skk-node-${options.index}`;
  const dir = tempDir("skk-");
  const dataDir = join(dir.path, "agent");
  const manifests = join(dir.path, "manifests");
  mkdirSync(manifests);
  const server = new SkiffServer({ clusterDns: true });
  // The cluster CIDR is this file's own /24: node IPAM hands the node exactly the subnet given
  // as --pod-cidr, so concurrent test files never share a pod network; the service CIDR is its own
  // too, so their proxies never program the same Service IPs. Pods reach the cluster DNS at the
  // bridge's address (a node address on the test's own network).
  await server.start([
    "--cluster-cidr",
    subnet,
    "--service-cidr",
    serviceCidr,
    "--cluster-dns-address",
    gateway,
  ]);
  // From the bundle, the agent starts as the `skiff` bin starts it (its shebang's malloc and V8 settings).
  const bundle = skiffEntry()[0] ?? "";
  const launch = bundle.endsWith(".cjs") ? launcherEnv(bundle) : {};
  const startAgent = () =>
    withEnv(launch, () =>
      SkiffChild.start(
        [
          "agent",
          "--kubeconfig",
          server.kubeconfig,
          "--name",
          nodeName,
          "--data-dir",
          dataDir,
          "--runtime",
          options.runtime ?? "containerd",
          "--bridge",
          bridge,
          "--pod-cidr",
          subnet,
          "--cgroup-root",
          `${cgroupRoot}/kubepods`,
          "--pod-manifest-path",
          manifests,
          "--kubelet-port",
          "0",
          "--service-cidr",
          serviceCidr,
          "--cluster-cidr",
          subnet,
          "--node-ip",
          "127.0.0.1",
          ...(options.agentArgs ?? []),
        ],
        "skiff agent ready",
      ),
    );
  let agent: SkiffChild;
  try {
    agent = await startAgent();
  } catch (err) {
    await server.stop();
    dir.remove();
    throw err;
  }
  const kubectl = async (...args: string[]): Promise<string> => {
    const r = await server.kubectl(args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const pod = async (name: string): Promise<Pod> =>
    JSON.parse(await kubectl("get", "pod", name, "-o", "json"));
  const cluster: NodeCluster = {
    server,
    agent,
    nodeName,
    dataDir,
    manifests,
    bridge,
    podCidr: subnet,
    cgroupRoot,
    kubectl,
    pod,
    apply: async (yaml) => {
      const r = await server.kubectl(["apply", "-f", "-"], { input: yaml });
      if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}`);
    },
    waitPod: async (name, ok, what, timeoutMs = 60_000) => {
      const end = Date.now() + timeoutMs;
      let last: Pod | undefined;
      while (Date.now() < end) {
        const r = await server.kubectl(["get", "pod", name, "-o", "json"]);
        if (r.code === 0) {
          last = JSON.parse(r.stdout) as Pod;
          if (ok(last)) return last;
        }
        await new Promise((res) => setTimeout(res, 500));
      }
      throw new Error(
        `pod ${name}: ${what} did not happen; last status ${JSON.stringify(last?.status)}\n${cluster.agent.log}`,
      );
    },
    logs: (p, container, attempt) => {
      const m = p.metadata ?? {};
      const base = join(dataDir, "pods-logs", `${m.namespace}_${m.name}_${m.uid}`, container);
      const n = attempt ?? Math.max(...readdirSync(base).map((f) => Number.parseInt(f, 10)));
      // CRI log lines: `<time> <stream> <P|F> <text>`; P(artial) lines continue on the next one.
      let out = "";
      for (const line of readFileSync(join(base, `${n}.log`), "utf8").split("\n")) {
        const m = /^\S+ (?:stdout|stderr) ([FP]) ?(.*)$/.exec(line);
        if (m) out += m[1] === "P" ? m[2] : `${m[2]}\n`;
      }
      return out.replace(/\n$/, "");
    },
    startAgent: async () => {
      cluster.agent = await startAgent();
      return cluster.agent;
    },
    teardown: async () => {
      const left: string[] = [];
      // Workloads first, or their controllers replace the deleted pods while the agent stops.
      await server.kubectl(
        [
          "delete",
          "deployments,replicasets,statefulsets,daemonsets,jobs,pods",
          "--all",
          "--wait=true",
          "--timeout=90s",
        ],
        { timeoutMs: 100_000 },
      );
      for (const f of readdirSync(manifests)) rmSync(join(manifests, f));
      // Static pods stop once their manifest is gone (the mirror goes too).
      for (let i = 0; i < 60; i++) {
        const r = await server.kubectl(["get", "pods", "-o", "name"]);
        if (r.stdout.trim() === "") break;
        await new Promise((res) => setTimeout(res, 500));
      }
      await new Promise((res) => setTimeout(res, 2500));
      await cluster.agent.stop();
      await server.stop();
      for (let i = 0; i < 30; i++) {
        run("ip", ["link", "del", bridge]);
        if (!run("ip", ["link", "show", bridge]).includes(bridge)) break;
        await new Promise((res) => setTimeout(res, 200));
      }
      if (run("ip", ["link", "show", bridge]).includes(bridge)) left.push(`bridge ${bridge}`);
      for (const h of readdirSync("/sys/fs/cgroup")) {
        const p = `/sys/fs/cgroup/${h}${cgroupRoot}/kubepods`;
        if (!existsSync(p)) continue;
        const pods = run("find", [p, "-mindepth", "1", "-type", "d", "-name", "pod*"]).trim();
        if (pods) left.push(`cgroup ${h}: ${pods}`);
      }
      removeCgroup(cgroupRoot);
      const mounts = readFileSync("/proc/mounts", "utf8")
        .split("\n")
        .filter((l) => l.includes(dir.path));
      left.push(...mounts.map((m) => `mount ${m}`));
      if (mounts.length === 0) dir.remove();
      return left;
    },
  };
  return cluster;
}
