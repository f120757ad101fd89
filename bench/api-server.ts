// bench/api's `skiff server` process: start (bundle or SKIFF_BENCH_CLI), stop, and its memory
// and CPU read from /proc.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Figures, round } from "./api-client.ts";

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? round(Number(m[1]) / 1024) : Number.NaN;
}

/**
 * Memory only this process uses (private pages). RSS also counts the node binary's code pages,
 * which every node process shares (about 40 MB of a skiff server's RSS).
 */
export function privateMb(pid: number): number {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  let kb = 0;
  for (const m of text.matchAll(/^Private_(?:Clean|Dirty):\s+(\d+) kB/gm)) kb += Number(m[1]);
  return round(kb / 1024);
}

/** CPU time (user + system, ms) the process has used so far. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux.
  return (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
}

/** Runs `phase` and adds the server's CPU time per operation to its figures. */
export async function withServerCpu(
  pid: number,
  ops: number,
  phase: () => Promise<Figures>,
): Promise<Figures> {
  const before = cpuMs(pid);
  const figures = await phase();
  return { ...figures, server_cpu_ms_per_op: round((cpuMs(pid) - before) / ops, 3) };
}

/**
 * Launch settings that trade a little CPU for memory (see idleWithLowMemoryLaunch): a 1 MB V8 semi-space,
 * two malloc arenas, large allocations through mmap (given back to the OS when freed).
 */
export const lowMemoryNodeArgs = ["--max-semi-space-size=1"];
export const lowMemoryEnv = { MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "131072" };

export interface LaunchOptions {
  datastore?: string;
  extraNodeArgs?: string[];
  env?: Record<string, string>;
}

export async function startServer(
  dir: string,
  launch: LaunchOptions = {},
): Promise<{ child: ChildProcess; url: string }> {
  const { datastore } = launch;
  const cli = resolve(process.env.SKIFF_BENCH_CLI ?? resolve(import.meta.dirname, "../dist/skiff.cjs"));
  const nodeArgs = [
    ...(process.env.SKIFF_BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean),
    ...(launch.extraNodeArgs ?? []),
  ];
  const args = [
    ...nodeArgs,
    cli,
    "server",
    "--disable-agent",
    "--disable-cluster-dns",
    // The ingress controller would bind ports 80/443: not part of the API server.
    "--disable-ingress",
    "--data-dir",
    dir,
    "--listen",
    "127.0.0.1:0",
  ];
  if (datastore) args.push("--datastore", datastore);
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...(launch.env ?? {}) },
  });
  const url = await new Promise<string>((ready, fail) => {
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ready at (https:\/\/\S+)/.exec(out);
      if (m?.[1]) ready(m[1]);
    });
    child.once("exit", (code) => fail(new Error(`skiff server exited with ${code}`)));
  });
  return { child, url };
}

/** SIGTERM, then SIGKILL if a graceful shutdown hangs (seen on a loaded machine, baseline too). */
export async function stopServer(child: ChildProcess, label: string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  // The figures must still be printed: the server is killed after a while, reported on stderr.
  const killer = setTimeout(() => {
    process.stderr.write(`bench: skiff server (${label}) did not exit 30 s after SIGTERM; killing it\n`);
    child.kill("SIGKILL");
  }, 30_000);
  await exited;
  clearTimeout(killer);
}
