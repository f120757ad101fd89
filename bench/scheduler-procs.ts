// bench/scheduler's view of its processes: CPU time and RSS from /proc, readiness of a child by a
// stdout line, and a stop that does not wait for a graceful shutdown of 5,000 hollow nodes.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** A field of /proc/PID/status in MB (VmRSS, VmHWM). */
export function procStatus(pid: number | undefined, field: string): number {
  if (!pid) return Number.NaN;
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m?.[1] ? Number(m[1]) / 1024 : Number.NaN;
}

/** CPU ms (user + system) of a child process, from /proc (clock ticks of 10 ms). */
export function childCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ms so far of this process (the API server, embedded scheduler) and of the children. */
export interface CpuSample {
  at: number;
  api: number;
  scheduler: number;
  sim: number;
}

export interface CpuDiff {
  seconds: number;
  api: number;
  scheduler: number;
  sim: number;
}

export function cpuSampler(
  children: () => { scheduler?: ChildProcess; sim?: ChildProcess },
): () => CpuSample {
  return () => {
    const c = children();
    return {
      at: performance.now(),
      api: ownCpuMs(),
      scheduler: childCpuMs(c.scheduler?.pid),
      sim: childCpuMs(c.sim?.pid),
    };
  };
}

export function cpuDiff(a: CpuSample, b: CpuSample): CpuDiff {
  return {
    seconds: (b.at - a.at) / 1000,
    api: b.api - a.api,
    scheduler: b.scheduler - a.scheduler,
    sim: b.sim - a.sim,
  };
}

/** Waits for a line containing `word` on the child's stdout. */
export function readyLine(c: ChildProcess, word: string, what: string): Promise<void> {
  return new Promise<void>((ready, fail) => {
    c.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes(word)) ready();
    });
    c.once("exit", (code) => fail(new Error(`${what} exited ${code}`)));
  });
}

/** SIGTERM, then SIGKILL after 10 s: a graceful stop of 5,000 hollow nodes is not what is measured. */
export async function stopChild(p: ChildProcess | undefined): Promise<void> {
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once("exit", r));
  p.kill("SIGTERM");
  const timer = setTimeout(() => p.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
