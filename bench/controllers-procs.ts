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

const mutatingVerbs = new Set(["POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION", "APPLY"]);

/** API requests and watch events counted by the server, keyed "VERB resource[/subresource]". */
export interface RequestCounts {
  /** Mutating requests (POST, PUT, PATCH, APPLY, DELETE). */
  writes: Record<string, number>;
  /** GET, LIST and WATCH requests (a WATCH counts when it opens). */
  reads: Record<string, number>;
  /** Watch events sent to watchers, by resource: the fan-out of the writes. */
  watchEvents: Record<string, number>;
  /** Controller syncs (workqueue_work_duration_seconds_count) by queue; only in-process controllers. */
  syncs: Record<string, number>;
}

function labelsOf(line: string): Record<string, string> {
  return Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]));
}

function add(into: Record<string, number>, key: string, line: string): void {
  into[key] = (into[key] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
}

/** Sums apiserver_request_total and apiserver_watch_events_total from a /metrics text. */
export function requestCounts(metricsText: string): RequestCounts {
  const out: RequestCounts = { writes: {}, reads: {}, watchEvents: {}, syncs: {} };
  for (const line of metricsText.split("\n")) {
    if (line.startsWith("workqueue_work_duration_seconds_count{")) {
      add(out.syncs, labelsOf(line).name ?? "", line);
      continue;
    }
    if (line.startsWith("apiserver_watch_events_total{")) {
      add(out.watchEvents, labelsOf(line).resource ?? "", line);
      continue;
    }
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = labelsOf(line);
    const verb = labels.verb ?? "";
    if (!labels.resource) continue;
    const what = `${verb} ${labels.resource}${labels.subresource ? `/${labels.subresource}` : ""}`;
    add(mutatingVerbs.has(verb) ? out.writes : out.reads, what, line);
  }
  return out;
}

/** `to - from` per key, zero entries left out; with `per`, divided by it (2 decimals). */
export function countDelta(
  from: Record<string, number>,
  to: Record<string, number>,
  per = 1,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(to)) {
    const d = v - (from[k] ?? 0);
    if (d > 0) out[k] = per === 1 ? d : +(d / per).toFixed(2);
  }
  return out;
}
