// A multi-node cluster on one host: network namespaces `skj-<node>` as machines, joined to the
// host by veth pairs on the bridge `skj0` (10.205.0.0/24, host .1, nodes .2, .3 …); `skiff server`
// in the host namespace on 10.205.0.1; one `skiff agent` per namespace (entered with
// `nsenter --net`, which keeps the host's /sys/fs/cgroup that `ip netns exec` would hide), each
// with its own data dir, Skiff-supervised containerd, cgroup root `/skj<node>` and pod bridge.
// Pod CIDRs come from node IPAM in 10.206.0.0/16; Services use 10.205.1.0/24. Another test file
// builds its own cluster beside it with other names and subnets (NetnsClusterOptions).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { removeCgroup } from "../../src/kubelet/runtime/containerd/cgroups.ts";
import { skiffEntry } from "../support/skiff-entry.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

export const hostBridge = "skj0";
export const hostIP = "10.205.0.1";
export const clusterCidr = "10.206.0.0/16";
export const serviceCidr = "10.205.1.0/24";
export const podBridge = "skjbr0";

/** Polls `f` each second until it returns a value; throws with the last error after the timeout. */
export async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`${what} did not happen: ${last instanceof Error ? last.message : String(last ?? "")}`);
}

export interface NetnsClusterOptions {
  /** Prefix of every name (netns, links, cgroup roots, nodes; default "skj"). */
  prefix?: string;
  /** `a.b.c` of the host /24 (default "10.205.0"). */
  hostNet?: string;
  serviceCidr?: string;
  clusterCidr?: string;
}

export function sh(cmd: string, args: string[], timeoutMs = 15_000): { code: number; out: string } {
  try {
    const out = execFileSync(cmd, args, {
      encoding: "utf8",
      timeout: timeoutMs,
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { code: 0, out };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string };
    return { code: e.status ?? 1, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

function must(cmd: string, args: string[]): string {
  const r = sh(cmd, args);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.out}`);
  return r.out;
}

export interface Machine {
  /** Short name: a, b. */
  id: string;
  netns: string;
  ip: string;
  nodeName: string;
  dataDir: string;
  cgroupRoot: string;
  agent?: AgentProcess;
}

export class AgentProcess {
  log = "";
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      this.log += d.toString();
    });
  }

  /** `skiff agent <args>` inside the machine's network namespace; resolves at "ready" or exit. */
  static start(m: Machine, args: string[]): { agent: AgentProcess; ready: Promise<void> } {
    const child = spawn(
      "nsenter",
      [`--net=/run/netns/${m.netns}`, "--", process.execPath, ...skiffEntry(), "agent", ...args],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const agent = new AgentProcess(child);
    const ready = new Promise<void>((ok, fail) => {
      const check = () => {
        if (agent.log.includes("skiff agent ready")) ok();
      };
      child.stdout?.on("data", check);
      child.once("exit", (code) => fail(new Error(`skiff agent exited with ${code}: ${agent.log}`)));
    });
    return { agent, ready };
  }

  get exited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.child.kill(signal);
    await gone;
  }
}

export class NetnsCluster {
  readonly prefix: string;
  readonly hostBridge: string;
  readonly hostNet: string;
  readonly hostIP: string;
  readonly serviceCidr: string;
  readonly clusterCidr: string;
  readonly podBridge: string;
  readonly dir: ReturnType<typeof tempDir>;
  readonly server = new SkiffServer({ clusterDns: true });
  readonly machines: Machine[] = [];

  constructor(o: NetnsClusterOptions = {}) {
    this.prefix = o.prefix ?? "skj";
    this.hostNet = o.hostNet ?? "10.205.0";
    this.hostBridge = o.prefix ? `${o.prefix}0` : hostBridge;
    this.hostIP = `${this.hostNet}.1`;
    this.serviceCidr = o.serviceCidr ?? serviceCidr;
    this.clusterCidr = o.clusterCidr ?? clusterCidr;
    this.podBridge = o.prefix ? `${o.prefix}br0` : podBridge;
    this.dir = tempDir(`${this.prefix}-`);
  }

  /** Creates the host bridge and the machines' namespaces and links. */
  buildNetwork(ids: string[]): void {
    const p = this.prefix;
    must("ip", ["link", "add", this.hostBridge, "type", "bridge"]);
    must("ip", ["addr", "add", `${this.hostIP}/24`, "dev", this.hostBridge]);
    must("ip", ["link", "set", this.hostBridge, "up"]);
    ids.forEach((id, i) => {
      const netns = `${p}-${id}`;
      const ip = `${this.hostNet}.${i + 2}`;
      must("ip", ["netns", "add", netns]);
      must("ip", ["-n", netns, "link", "set", "lo", "up"]);
      must("ip", ["link", "add", `${p}v${id}`, "type", "veth", "peer", "name", "eth0", "netns", netns]);
      must("ip", ["link", "set", `${p}v${id}`, "master", this.hostBridge]);
      must("ip", ["link", "set", `${p}v${id}`, "up"]);
      must("ip", ["-n", netns, "addr", "add", `${ip}/24`, "dev", "eth0"]);
      must("ip", ["-n", netns, "link", "set", "eth0", "up"]);
      this.machines.push({
        id,
        netns,
        ip,
        nodeName: `${p}-node-${id}`,
        dataDir: join(this.dir.path, `agent-${id}`),
        cgroupRoot: `/${p}${id}`,
      });
    });
  }

  async startServer(extraArgs: string[] = []): Promise<void> {
    await this.server.start([
      "--listen",
      `${this.hostIP}:0`,
      "--tls-san",
      this.hostIP,
      "--cluster-cidr",
      this.clusterCidr,
      "--service-cidr",
      this.serviceCidr,
      "--cluster-dns-address",
      this.hostIP,
      ...extraArgs,
    ]);
  }

  get url(): string {
    return this.server.url;
  }

  machine(id: string): Machine {
    const m = this.machines.find((x) => x.id === id);
    if (!m) throw new Error(`no machine ${id}`);
    return m;
  }

  agentArgs(m: Machine, join: string[]): string[] {
    return [
      ...join,
      "--name",
      m.nodeName,
      "--data-dir",
      m.dataDir,
      "--runtime",
      "containerd",
      "--bridge",
      this.podBridge,
      "--cgroup-root",
      `${m.cgroupRoot}/kubepods`,
      "--kubelet-port",
      "0",
      "--service-cidr",
      this.serviceCidr,
      "--cluster-cidr",
      this.clusterCidr,
      "--node-ip",
      m.ip,
    ];
  }

  /** Runs `skiff token create …` against the server's admin kubeconfig. */
  token(args: string[]): { code: number; out: string } {
    return sh(
      process.execPath,
      [...skiffEntry(), "token", ...args, "--data-dir", this.server.dir.path],
      180_000,
    );
  }

  /** A command in a machine's network namespace. */
  inMachine(m: Machine, cmd: string[], timeoutMs = 15_000): { code: number; out: string } {
    return sh("nsenter", [`--net=/run/netns/${m.netns}`, "--", ...cmd], timeoutMs);
  }

  async kubectl(...args: string[]): Promise<string> {
    const r = await this.server.kubectl(args, { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }

  /** The pod once it runs with an IP. */
  runningPod(name: string): Promise<Pod> {
    return until(`pod ${name} running`, async () => {
      const p = JSON.parse(await this.kubectl("get", "pod", name, "-o", "json")) as Pod;
      return p.status?.phase === "Running" && p.status.podIP ? p : undefined;
    });
  }

  /** The nodes once `count` of them are Ready with a pod CIDR. */
  readyNodes(count: number): Promise<Node[]> {
    return until(`${count} nodes Ready with pod CIDRs`, async () => {
      const list = JSON.parse(await this.kubectl("get", "nodes", "-o", "json")).items as Node[];
      const ok = list.filter(
        (n) =>
          n.spec?.podCIDR && n.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"),
      );
      return ok.length === count ? ok : undefined;
    });
  }

  async apply(yaml: string): Promise<void> {
    const r = await this.server.kubectl(["apply", "-f", "-"], { input: yaml });
    if (r.code !== 0) throw new Error(`kubectl apply: ${r.stderr}`);
  }

  /** Stops everything and returns what was left behind (empty when the host is clean). */
  /**
   * Deletes the workloads and waits until the API holds no pod at all, so that the agents have
   * stopped every container before they are stopped themselves (an agent's stop leaves running
   * pods alone, as a kubelet restart must). A ReplicaSet can create a replacement pod after
   * `kubectl delete --wait` has listed the pods it waits for, before the garbage collector
   * removes the ReplicaSet: that pod is deleted later, so wait for the list to be empty.
   */
  private async deleteAllPods(left: string[]): Promise<void> {
    await this.server.kubectl(
      ["delete", "deployments,replicasets,pods,services", "--all", "--wait=true", "--timeout=90s"],
      { timeoutMs: 100_000 },
    );
    let pods = "";
    for (let i = 0; i < 300; i++) {
      const r = await this.server.kubectl(["get", "pods", "-A", "-o", "name"]);
      pods = r.code === 0 ? r.stdout.trim() : `kubectl failed: ${r.stderr.trim()}`;
      if (pods === "") return;
      if (i % 50 === 49) await this.server.kubectl(["delete", "pods", "--all", "-A", "--wait=false"]);
      await new Promise((r) => setTimeout(r, 200));
    }
    left.push(`pods still in the API after 60 s: ${pods.replace(/\n/g, " ")}`);
  }

  async teardown(): Promise<string[]> {
    const left: string[] = [];
    if (this.server.alive) await this.deleteAllPods(left);
    for (const m of this.machines) await m.agent?.stop();
    await this.server.stop();
    for (const m of this.machines) sh("ip", ["netns", "del", m.netns]);
    sh("ip", ["link", "del", this.hostBridge]);
    const own = new RegExp(`^\\d+: ${this.prefix}`);
    const netns = sh("ip", ["netns", "list"]).out;
    for (const m of this.machines) if (netns.includes(m.netns)) left.push(`netns ${m.netns}`);
    // A deleted namespace's veth peers go away asynchronously: give the kernel a moment.
    let links = sh("ip", ["-o", "link", "show"]).out;
    for (let i = 0; i < 25 && links.split("\n").some((l) => own.test(l)); i++) {
      await new Promise((r) => setTimeout(r, 200));
      links = sh("ip", ["-o", "link", "show"]).out;
    }
    for (const l of links.split("\n")) if (own.test(l)) left.push(`link ${l.split(":")[1]?.trim()}`);
    const routes = sh("ip", ["-4", "route", "show"]).out;
    const ours = [this.hostNet, this.serviceCidr, this.clusterCidr].map((c) =>
      c.split(".").slice(0, 2).join("."),
    );
    for (const r of routes.split("\n")) if (ours.some((o) => r.startsWith(`${o}.`))) left.push(`route ${r}`);
    const tables = sh("nft", ["list", "tables"]).out;
    for (const t of tables.split("\n")) if (t.includes(this.prefix)) left.push(`nft ${t}`);
    for (const m of this.machines) {
      for (const h of existsSync("/sys/fs/cgroup") ? readdirSync("/sys/fs/cgroup") : []) {
        const p = `/sys/fs/cgroup/${h}${m.cgroupRoot}/kubepods`;
        if (!existsSync(p)) continue;
        const pods = sh("find", [p, "-mindepth", "1", "-type", "d", "-name", "pod*"]).out.trim();
        if (pods) left.push(`cgroup ${h}: ${pods}`);
      }
      removeCgroup(m.cgroupRoot);
    }
    const procs = sh("pgrep", ["-af", this.dir.path]).out.trim();
    if (procs) left.push(`processes ${procs}`);
    const mounts = readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .filter((l) => l.includes(this.dir.path));
    left.push(...mounts.map((m) => `mount ${m}`));
    if (mounts.length === 0) this.dir.remove();
    return left;
  }
}
