// `skiff reset` for a node: what an agent leaves on the host by design (running containers survive
// an agent restart) is removed here — pods through the runtime that made them, then the proxy's
// nftables table, the pod bridge, the pod cgroup root and any mount under the data dir. The agent
// records what it owns in <data-dir>/node.json when it starts, so reset needs no flags.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ImageStore } from "./images/store.ts";
import { run } from "./network/exec-file.ts";
import { removeCgroup } from "./runtime/containerd/cgroups.ts";
import type { Runtime } from "./runtime/runtime.ts";

export interface NodeRecord {
  nodeName: string;
  /** "containerd", "runc" or "fake". */
  runtime: string;
  /** An existing CRI socket the agent did not supervise. */
  endpoint?: string;
  bridge: string;
  /** The CNI network name. */
  network: string;
  /** The cgroupfs tree Skiff owns for this node's pods (e.g. /skiff), removed whole. */
  cgroupRoot: string;
  /** The service proxy's nftables table (`ip` family), when a proxy ran. */
  proxyTable?: string;
}

const recordFile = "node.json";

export function writeNodeRecord(dataDir: string, record: NodeRecord): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, recordFile), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
}

export function readNodeRecord(dataDir: string): NodeRecord | undefined {
  const path = join(dataDir, recordFile);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as NodeRecord;
}

async function openRecordedRuntime(dataDir: string, r: NodeRecord): Promise<Runtime | undefined> {
  const network = { name: r.network, bridge: r.bridge };
  if (r.runtime === "containerd") {
    // Imported here, not at the top: `skiff agent` shares this module and keeps only its own backend.
    const { openContainerdRuntime } = await import("./runtime/containerd/open.ts");
    return openContainerdRuntime({ dataDir, ...(r.endpoint ? { endpoint: r.endpoint } : {}), network });
  }
  if (r.runtime === "runc") {
    const { openRuncRuntime } = await import("./runtime/runc/open.ts");
    return openRuncRuntime({ stateDir: join(dataDir, "runc"), images: new ImageStore({ dataDir }), network });
  }
  return undefined;
}

/** Stops and removes every pod the runtime holds; returns how many sandboxes it removed. */
async function removePods(runtime: Runtime): Promise<number> {
  for (const c of await runtime.listContainers()) {
    await runtime.stopContainer(c.id, 0).catch(() => undefined);
    await runtime.removeContainer(c.id);
  }
  const sandboxes = await runtime.listPodSandboxes();
  for (const s of sandboxes) {
    await runtime.stopPodSandbox(s.id);
    await runtime.removePodSandbox(s.id);
  }
  return sandboxes.length;
}

/** Pids in the cgroup tree `root` (relative to each hierarchy of /sys/fs/cgroup). */
function cgroupPids(root: string): Set<number> {
  const pids = new Set<number>();
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries) {
      const p = join(dir, name);
      if (name === "cgroup.procs") {
        for (const line of readFileSync(p, "utf8").split("\n")) if (line) pids.add(Number(line));
      } else if (!name.includes(".")) walk(p);
    }
  };
  let hierarchies: string[];
  try {
    hierarchies = readdirSync("/sys/fs/cgroup");
  } catch {
    return pids;
  }
  for (const h of hierarchies) walk(join("/sys/fs/cgroup", h, root.replace(/^\/+/, "")));
  return pids;
}

/** SIGKILLs processes whose command line names `dataDir` and those in the cgroup tree; returns how many. */
export function killLeftovers(dataDir: string, cgroupRoot: string | undefined): number {
  const victims = cgroupRoot ? cgroupPids(cgroupRoot) : new Set<number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (
        readFileSync(`/proc/${entry}/cmdline`, "utf8")
          .split("\0")
          .some((a) => a.startsWith(`${dataDir}/`))
      ) {
        victims.add(Number(entry));
      }
    } catch {
      // Exited meanwhile.
    }
  }
  victims.delete(process.pid);
  for (const pid of victims) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  return victims.size;
}

/** Mount points at or under `dir`, deepest first. */
export function mountsUnder(dir: string, mountinfo = readFileSync("/proc/self/mountinfo", "utf8")): string[] {
  const points = mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((p): p is string => p !== undefined && (p === dir || p.startsWith(`${dir}/`)))
    // mountinfo escapes space, tab, newline and backslash as octal.
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8))));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** Removes what the node agent of `dataDir` left on the host; says each step. */
export async function resetNode(dataDir: string, say: (line: string) => void): Promise<void> {
  const record = readNodeRecord(dataDir);
  if (record) {
    const runtime = await openRecordedRuntime(dataDir, record);
    if (runtime) {
      try {
        const n = await removePods(runtime);
        say(`removed ${n} pod sandbox(es) from ${record.runtime}`);
      } finally {
        await runtime.close();
      }
    }
    if (record.proxyTable) {
      const r = await run("nft", ["delete", "table", "ip", record.proxyTable], { allowFailure: true });
      if (r.code === 0) say(`removed nftables table ${record.proxyTable}`);
    }
    // Whatever outlived its runtime's records (a shim or conmon naming the data dir, a container
    // process still in the node's cgroups) is killed, so the cgroups and mounts can go.
    const killed = killLeftovers(dataDir, record.runtime === "fake" ? undefined : record.cgroupRoot);
    if (killed > 0) {
      say(`killed ${killed} process(es) left by the node`);
      // Their cgroups can be removed once the kernel has let them go.
      for (let i = 0; i < 50 && record.runtime !== "fake" && cgroupPids(record.cgroupRoot).size > 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (record.runtime !== "fake") {
      const r = await run("ip", ["link", "del", record.bridge], { allowFailure: true });
      if (r.code === 0) say(`removed bridge ${record.bridge}`);
      removeCgroup(record.cgroupRoot);
      say(`removed cgroup ${record.cgroupRoot}`);
    }
  }
  await unmountUnder(dataDir, say);
}

export async function unmountUnder(dir: string, say: (line: string) => void): Promise<void> {
  for (const point of mountsUnder(dir)) {
    await run("umount", ["-l", point], { allowFailure: true });
    say(`unmounted ${point}`);
  }
}
