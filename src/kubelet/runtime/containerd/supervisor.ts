// Runs Skiff's own containerd: writes its config, starts it as a child in its own process group
// with output to a log file, waits until CRI answers, restarts it if it dies, stops it on close().
// Stopping containerd does not stop containers (each has its shim); the next start re-adopts them.
// A containerd left running by a killed agent (found through the pid file) is adopted, not doubled.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { status as grpcStatus } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { type ContainerdLayout, containerdConfigToml, containerdLayout } from "./config.ts";
import { CriClient, CriError } from "./cri-client.ts";
import type { StatusResponse } from "./cri-types.ts";

export interface ContainerdSupervisorOptions {
  /** Skiff's data dir; containerd's files go to `<dataDir>/containerd/`. */
  dataDir: string;
  /** Default `skiff.local/pause:3.9` (imported locally before the first pod). */
  sandboxImage?: string;
  /** Default /usr/lib/cni (Debian's containernetworking-plugins). */
  cniBinDir?: string;
  /** Default `containerd` on PATH. */
  containerdBinary?: string;
  /** How long to wait for CRI to answer after a start (default 30 s). */
  readyTimeoutMs?: number;
  logger?: Logger;
}

const minBackoffMs = 250;
const maxBackoffMs = 30_000;

export class ContainerdSupervisor {
  readonly layout: ContainerdLayout;
  private child: ChildProcess | undefined;
  private adoptedPid: number | undefined;
  private adoptedWatch: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private closing = false;
  /** Restart delay; doubles while containerd keeps dying young, back to the minimum after a good run. */
  private backoffMs = minBackoffMs;
  private startedAt = 0;
  /** How many times containerd was started after it died (tests watch this). */
  restarts = 0;
  private readonly pidFile: string;

  constructor(private readonly options: ContainerdSupervisorOptions) {
    this.layout = containerdLayout(options.dataDir);
    this.pidFile = join(this.layout.dir, "containerd.pid");
  }

  get socket(): string {
    return this.layout.socket;
  }

  /** containerd's pid while it runs (spawned or adopted). */
  get pid(): number | undefined {
    return this.child?.pid ?? this.adoptedPid;
  }

  /** Starts (or adopts) containerd and resolves once its CRI plugin answers Status. */
  async start(): Promise<void> {
    this.closing = false;
    const { layout } = this;
    for (const dir of [layout.dir, layout.socketDir, layout.cniConfDir, layout.cniIpamDir]) {
      mkdirSync(dir, { recursive: true });
    }
    const alive = this.runningFromPidFile();
    if (alive !== undefined) {
      this.options.logger?.info({ pid: alive }, "adopting the containerd left running");
      this.adopt(alive);
    } else {
      writeFileSync(
        layout.configPath,
        containerdConfigToml({
          layout,
          sandboxImage: this.options.sandboxImage ?? "skiff.local/pause:3.9",
          cniBinDir: this.options.cniBinDir ?? "/usr/lib/cni",
        }),
      );
      this.spawnChild();
    }
    try {
      await this.waitReady();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private runningFromPidFile(): number | undefined {
    if (!existsSync(this.pidFile)) return undefined;
    const pid = Number(readFileSync(this.pidFile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    try {
      // Same process only if its command line names our config (pids are reused).
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return cmdline.includes(this.layout.configPath) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  private adopt(pid: number): void {
    this.adoptedPid = pid;
    this.adoptedWatch = setInterval(() => {
      if (processAlive(pid)) return;
      clearInterval(this.adoptedWatch);
      this.adoptedWatch = undefined;
      this.adoptedPid = undefined;
      this.exited(null, null);
    }, 1000);
    this.adoptedWatch.unref();
  }

  private spawnChild(): void {
    this.startedAt = Date.now();
    const log = openSync(this.layout.logPath, "a");
    try {
      const child = spawn(
        this.options.containerdBinary ?? "containerd",
        ["--config", this.layout.configPath],
        {
          // Own process group: a terminal's ^C to the agent must not reach containerd first.
          detached: true,
          stdio: ["ignore", log, log],
        },
      );
      this.child = child;
      child.on("error", (err) => this.options.logger?.error({ err }, "containerd could not start"));
      child.on("exit", (code, signal) => {
        if (this.child === child) this.child = undefined;
        this.exited(code, signal);
      });
      if (child.pid !== undefined) writeFileSync(this.pidFile, `${child.pid}\n`);
    } finally {
      closeSync(log);
    }
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closing) return;
    this.options.logger?.warn({ code, signal, log: this.layout.logPath }, "containerd exited; restarting it");
    // Back off while it fails young, so a containerd that cannot start does not spin.
    this.backoffMs =
      Date.now() - this.startedAt > 60_000 ? minBackoffMs : Math.min(this.backoffMs * 2, maxBackoffMs);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closing) return;
      this.restarts++;
      this.spawnChild();
    }, this.backoffMs);
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + (this.options.readyTimeoutMs ?? 30_000);
    const client = new CriClient({ endpoint: this.layout.socket });
    try {
      let last = "no answer";
      while (Date.now() < deadline) {
        if (this.pid === undefined && this.restartTimer === undefined) break;
        if (existsSync(this.layout.socket)) {
          try {
            const status = await client.call<StatusResponse>("Status", {}, 2000);
            const ready = status.status?.conditions.find((c) => c.type === "RuntimeReady");
            if (ready?.status) return;
            last = ready?.message ?? "RuntimeReady missing";
          } catch (err) {
            last = err instanceof Error ? err.message : String(err);
            // containerd runs but without its CRI plugin: waiting will not help.
            if (err instanceof CriError && err.code === grpcStatus.UNIMPLEMENTED) break;
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(
        `containerd did not become ready (${last}); see ${this.layout.logPath}:\n${this.logTail()}`,
      );
    } finally {
      client.close();
    }
  }

  /** Waits until containerd answers again (after a restart). */
  async ready(): Promise<void> {
    await this.waitReady();
  }

  private logTail(): string {
    try {
      return readFileSync(this.layout.logPath, "utf8").split("\n").slice(-15).join("\n");
    } catch {
      return "";
    }
  }

  /** Stops containerd (SIGTERM, then SIGKILL after 10 s). Containers keep running in their shims. */
  async stop(): Promise<void> {
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.adoptedWatch) clearInterval(this.adoptedWatch);
    const pid = this.pid;
    const child = this.child;
    if (pid === undefined) return;
    const exited = child
      ? new Promise<void>((resolve) => child.once("exit", () => resolve()))
      : waitForExit(pid, 10_000);
    signal(pid, "SIGTERM");
    const timer = setTimeout(() => signal(pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
    this.adoptedPid = undefined;
    rmSync(this.pidFile, { force: true });
    // A socket directory of our own outside the data dir (long data dirs) goes with containerd.
    if (this.layout.socketDir !== this.layout.dir)
      rmSync(this.layout.socketDir, { recursive: true, force: true });
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs + 2000;
  while (processAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}
