// Process bookkeeping for bench/controllers: starting `skiff <command>` children and reading each
// component's CPU time and RSS from /proc, so the bench reports CPU per component (wall clock is
// meaningless on a shared machine).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

const main = resolve(import.meta.dirname, "../src/cli/main.ts");

/** A process's user+system CPU in ms, read from /proc/<pid>/stat (USER_HZ is 100 on Linux). */
export function cpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const after = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(after[11]) + Number(after[12])) * 10;
  } catch {
    return 0;
  }
}

/**
 * The main thread's on-CPU and runqueue-wait time in ms (/proc/<pid>/schedstat). What is left of
 * the wall time is time the thread slept: waiting for I/O or timers, not for a core.
 */
export function schedMs(pid: number | undefined): { onCpu: number; runQueue: number } {
  try {
    const [onCpu, runQueue] = readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ").map(Number);
    return { onCpu: Math.round((onCpu ?? 0) / 1e6), runQueue: Math.round((runQueue ?? 0) / 1e6) };
  } catch {
    return { onCpu: 0, runQueue: 0 };
  }
}

export function rssMb(pid: number | undefined): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

/** The pid of this process's child whose command line contains `marker` (the server's data dir). */
export function childPidWith(marker: string): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== process.pid) continue;
      if (readFileSync(`/proc/${name}/cmdline`, "utf8").includes(marker)) return Number(name);
    } catch {
      // It ended while we looked.
    }
  }
  return undefined;
}

/**
 * Starts `skiff <args>` and resolves once its stdout shows readyText. With BENCH_CPU_PROF=<dir>
 * the child writes a V8 CPU profile there when it exits.
 */
export async function startSkiff(args: string[], readyText: string): Promise<ChildProcess> {
  const profDir = process.env.BENCH_CPU_PROF;
  // One directory per command: tsx's loader thread writes a profile of its own beside the main one.
  const prof = profDir ? ["--cpu-prof", "--cpu-prof-dir", `${profDir}/${args[0]}`] : [];
  if (profDir) mkdirSync(`${profDir}/${args[0]}`, { recursive: true });
  const child = spawn(process.execPath, [...prof, "--import", "tsx", main, ...args], {
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

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  await exited;
}

/** CPU ms per named component between two points in time. */
export class CpuMeter {
  constructor(private readonly pids: Record<string, number | undefined>) {}

  sample(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = cpuMs(pid);
    const self = process.cpuUsage();
    out.benchClient = Math.round((self.user + self.system) / 1000);
    return out;
  }

  /** Main-thread on-CPU and runqueue ms per component (see schedMs). */
  sched(): Record<string, { onCpu: number; runQueue: number }> {
    const out: Record<string, { onCpu: number; runQueue: number }> = {};
    for (const [name, pid] of Object.entries(this.pids)) out[name] = schedMs(pid);
    return out;
  }

  /**
   * Per component over a phase of `wallMs`: main thread busy, waiting for a core (runQueue), and
   * asleep (idle: waiting on I/O or timers). A pipeline whose every stage is mostly idle stalls.
   */
  static threadTime(
    from: Record<string, { onCpu: number; runQueue: number }>,
    to: Record<string, { onCpu: number; runQueue: number }>,
    wallMs: number,
  ): Record<string, { onCpu: number; runQueue: number; idle: number }> {
    const out: Record<string, { onCpu: number; runQueue: number; idle: number }> = {};
    for (const [k, v] of Object.entries(to)) {
      const onCpu = v.onCpu - (from[k]?.onCpu ?? 0);
      const runQueue = v.runQueue - (from[k]?.runQueue ?? 0);
      out[k] = { onCpu, runQueue, idle: Math.max(0, Math.round(wallMs) - onCpu - runQueue) };
    }
    return out;
  }

  static delta(from: Record<string, number>, to: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(to)) out[k] = v - (from[k] ?? 0);
    return out;
  }
}

/** Mutating API requests by "VERB resource[/subresource]", summed from apiserver_request_total. */
export function writeCounts(metricsText: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of metricsText.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    const verb = labels.verb ?? "";
    if (!["POST", "PUT", "PATCH", "DELETE", "APPLY", "CREATE", "UPDATE"].includes(verb)) continue;
    const what = `${verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ""}`;
    out[what] = (out[what] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return out;
}
