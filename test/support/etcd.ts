// Starts a throwaway single-member etcd for tests: free loopback ports, a temp data dir
// (on tmpfs when there is one, so fsync does not dominate), quiet logs. stop() kills it and
// removes the dir; a process exit kills any etcd still running.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export interface EtcdServer {
  /** "127.0.0.1:PORT", the client endpoint. */
  endpoint: string;
  /** Kills etcd and removes its data. Idempotent. */
  stop(): Promise<void>;
}

/** An etcd whose process can be killed and started again on the same ports and data. */
export interface RestartableEtcdServer extends EtcdServer {
  /** Kills the process (SIGKILL), keeping the data dir. */
  kill(): Promise<void>;
  /** Starts the process again after kill() and waits until it serves. */
  restart(): Promise<void>;
}

const running = new Set<ChildProcess>();
const dataDirs = new Set<string>();
let exitHookInstalled = false;

function etcdBinary(): string {
  if (existsSync("/usr/bin/etcd")) return "/usr/bin/etcd";
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "etcd");
    if (dir !== "" && existsSync(candidate)) return candidate;
  }
  throw new Error("etcd not found (install Debian's etcd-server or put etcd on PATH)");
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function healthy(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(`http://${endpoint}/health`, { timeout: 1_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve(res.statusCode === 200 && body.includes('"true"')));
    });
    req.on("error", () => resolve(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function kill(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill("SIGKILL");
  await done;
  running.delete(child);
}

/** Starts a single-member etcd and waits until /health says it serves. */
export async function startEtcd(): Promise<EtcdServer> {
  return startRestartableEtcd();
}

export interface StartEtcdOptions {
  /** Directory the data dir is made in; default /dev/shm when present (no fsync cost), else tmpdir. */
  dataDirBase?: string;
}

export async function startRestartableEtcd(options: StartEtcdOptions = {}): Promise<RestartableEtcdServer> {
  const binary = etcdBinary();
  const base = options.dataDirBase ?? (existsSync("/dev/shm") ? "/dev/shm" : tmpdir());
  const dataDir = await mkdtemp(join(base, "skiff-etcd-"));
  dataDirs.add(dataDir);
  const clientPort = await freePort();
  const peerPort = await freePort();
  const name = `skiff-test-${process.pid}-${clientPort}`;
  const endpoint = `127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    `--name=${name}`,
    `--data-dir=${dataDir}`,
    `--listen-client-urls=http://${endpoint}`,
    `--advertise-client-urls=http://${endpoint}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=${name}=${peerUrl}`,
    `--initial-cluster-token=${name}`,
    "--initial-cluster-state=new",
    "--logger=zap",
    "--log-level=error",
  ];
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const child of running) child.kill("SIGKILL");
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    });
  }

  let child: ChildProcess | undefined;
  let stderr = "";
  const launch = async (): Promise<void> => {
    stderr = "";
    const proc = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    child = proc;
    running.add(proc);
    proc.stderr?.setEncoding("utf8");
    proc.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    const deadline = Date.now() + 20_000;
    while (!(await healthy(endpoint))) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        running.delete(proc);
        throw new Error(`etcd exited with ${proc.exitCode ?? proc.signalCode}: ${stderr}`);
      }
      if (Date.now() > deadline) {
        await kill(proc);
        throw new Error(`etcd did not become healthy at ${endpoint}: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  const killProcess = async (): Promise<void> => {
    if (child) await kill(child);
    child = undefined;
  };

  try {
    await launch();
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    dataDirs.delete(dataDir);
    throw err;
  }

  let stopped = false;
  return {
    endpoint,
    kill: killProcess,
    restart: async () => {
      await killProcess();
      await launch();
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await killProcess();
      await rm(dataDir, { recursive: true, force: true });
      dataDirs.delete(dataDir);
    },
  };
}
