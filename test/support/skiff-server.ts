// Starts `skiff server` (with --disable-agent unless asked for an agent) as a child process in a temp dir (port picked by the
// server, read from its ready line) on SQLite or on a throwaway etcd, and hands out real kubectl
// clients (1.32 and 1.20) bound to it, each with a fresh discovery cache.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { type EtcdServer, startEtcd } from "./etcd.ts";
import { Kubectl, type KubectlResult, type KubectlRunOptions, type KubectlVersion } from "./kubectl.ts";
import { skiffEntry } from "./skiff-entry.ts";
import { tempDir } from "./tempdir.ts";

export type { KubectlResult } from "./kubectl.ts";

export type TestDatastore = "sqlite" | "etcd";

/** SKIFF_TEST_DATASTORE=etcd runs servers on a real etcd; anything else (or unset) on SQLite. */
export function datastoreFromEnv(): TestDatastore {
  const value = process.env.SKIFF_TEST_DATASTORE ?? "sqlite";
  if (value !== "sqlite" && value !== "etcd") {
    throw new Error(`SKIFF_TEST_DATASTORE must be sqlite or etcd, got ${JSON.stringify(value)}`);
  }
  return value;
}

export interface SkiffServerOptions {
  /** Default: datastoreFromEnv(). */
  datastore?: TestDatastore;
  /**
   * Only the API server (no controllers, no scheduler), for suites that check what the API itself
   * stores and prints. Default false: the whole control plane, as `skiff server` runs it.
   */
  apiOnly?: boolean;
  /**
   * Run the embedded node agent (default false: --disable-agent, so suites do not start a
   * container runtime each time). `runtime` picks its runtime (default "fake").
   */
  agent?: boolean;
  runtime?: "auto" | "containerd" | "runc" | "fake";
  /**
   * Run the cluster DNS server and keep the kube-dns Service (default false: suites that count
   * Services do not see one they did not create). It listens on a free port.
   */
  clusterDns?: boolean;
}

export class SkiffServer {
  readonly dir = tempDir("skiff-server-");
  readonly datastore: TestDatastore;
  url = "";
  private child: ChildProcess | undefined;
  private etcd: EtcdServer | undefined;
  private output = "";
  private readonly clients = new Map<KubectlVersion, Kubectl>();

  private readonly apiOnly: boolean;
  private readonly agentArgs: string[];

  constructor(options: SkiffServerOptions = {}) {
    this.datastore = options.datastore ?? datastoreFromEnv();
    this.apiOnly = options.apiOnly ?? false;
    this.agentArgs = [
      ...(options.agent
        ? ["--runtime", options.runtime ?? "fake", "--kubelet-port", "0"]
        : ["--disable-agent"]),
      ...(options.clusterDns ? ["--cluster-dns-port", "0"] : ["--disable-cluster-dns"]),
    ];
  }

  get kubeconfig(): string {
    return join(this.dir.path, "kubeconfig");
  }

  async start(extraArgs: string[] = []): Promise<void> {
    const datastoreArgs: string[] = [];
    if (this.datastore === "etcd") {
      this.etcd = await startEtcd();
      datastoreArgs.push("--datastore", `etcd://${this.etcd.endpoint}`);
    }
    const child = spawn(
      process.execPath,
      [
        ...skiffEntry(),
        "server",
        ...this.agentArgs,
        // The ingress binds host ports 80/443 by default: only tests that set its ports (before
        // start) get one.
        ...(process.env.SKIFF_INGRESS_HTTP_PORT ? [] : ["--disable-ingress"]),
        "--data-dir",
        this.dir.path,
        "--listen",
        "127.0.0.1:0",
        ...datastoreArgs,
        // Without controllers no namespace gets its default ServiceAccount, so pods could not be
        // admitted: API-only suites run without the ServiceAccount admission plugin.
        ...(this.apiOnly
          ? [
              "--disable-controller-manager",
              "--disable-scheduler",
              "--disable-admission-plugins",
              "ServiceAccount",
            ]
          : []),
        ...extraArgs,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child = child;
    child.stderr?.on("data", (d: Buffer) => {
      this.output += d.toString();
    });
    await new Promise<void>((ready, fail) => {
      let out = "";
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /ready at (https:\/\/\S+)/.exec(out);
        if (m?.[1]) {
          this.url = m[1];
          ready();
        }
      });
      child.once("exit", (code) => fail(new Error(`skiff server exited with ${code}: ${this.output}`)));
    });
  }

  /** Whether the process is still running (it must survive everything a client sends). */
  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The kubectl client of that version for this server (one cache dir per version and server). */
  client(version: KubectlVersion = "1.32"): Kubectl {
    let client = this.clients.get(version);
    if (client === undefined) {
      client = new Kubectl({
        version,
        kubeconfig: this.kubeconfig,
        cacheDir: join(this.dir.path, `kubectl-cache-${version}`),
      });
      this.clients.set(version, client);
    }
    return client;
  }

  /** kubectl 1.32 against this server. */
  kubectl(args: string[], options: KubectlRunOptions = {}): Promise<KubectlResult> {
    return this.client("1.32").run(args, options);
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. Stops etcd and removes the dir. */
  async stop(): Promise<number | null> {
    const child = this.child;
    let code = child?.exitCode ?? null;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<number | null>((r) => child.once("exit", (c) => r(c)));
      child.kill("SIGTERM");
      code = await exited;
    }
    await this.etcd?.stop();
    this.dir.remove();
    return code;
  }

  get log(): string {
    return this.output;
  }
}
