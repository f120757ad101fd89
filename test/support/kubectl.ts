// Finds the real kubectl binaries the integration tests drive (1.32 from the Google Cloud SDK,
// 1.20 from Debian extracted into .cache/) and runs them as subprocesses against one kubeconfig.
import { execFile, spawn } from "node:child_process";
import { accessSync, constants, mkdirSync, realpathSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";

export type KubectlVersion = "1.32" | "1.20";

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlRunOptions {
  input?: string;
  env?: Record<string, string>;
  /** Kill kubectl after this long (default 60 s); the result then has a non-zero code. */
  timeoutMs?: number;
}

const repoRoot = resolve(import.meta.dirname, "../..");

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `kubectl` on PATH is the gcloud dispatcher; the versioned binaries sit beside its realpath. */
function kubectl132(): string {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    const onPath = join(dir, "kubectl");
    if (!executable(onPath)) continue;
    const candidate = join(dirname(realpathSync(onPath)), "kubectl.1.32");
    if (executable(candidate)) return candidate;
  }
  throw new Error(
    "kubectl 1.32 not found: expected kubectl.1.32 next to the realpath of `kubectl` on PATH " +
      "(the Google Cloud SDK ships it in /usr/lib/google-cloud-sdk/bin)",
  );
}

function kubectl120(): string {
  const path = join(repoRoot, ".cache/kubectl-1.20/usr/bin/kubectl");
  if (!executable(path)) {
    throw new Error(`kubectl 1.20 not found at ${path}: run scripts/fetch-kubectl-1.20.sh first`);
  }
  return path;
}

const found = new Map<KubectlVersion, string>();

/** Absolute path of the kubectl binary of that version; throws a clear error when it is absent. */
export function kubectlBinary(version: KubectlVersion): string {
  let path = found.get(version);
  if (path === undefined) {
    path = version === "1.32" ? kubectl132() : kubectl120();
    found.set(version, path);
  }
  return path;
}

export interface KubectlOptions {
  version: KubectlVersion;
  kubeconfig: string;
  /** Discovery/OpenAPI cache; one per server so a stale resource list never leaks between runs. */
  cacheDir: string;
}

/** One kubectl version bound to one server (kubeconfig) with its own cache dir. */
export class Kubectl {
  readonly version: KubectlVersion;
  readonly binary: string;
  private readonly kubeconfig: string;
  private readonly cacheDir: string;

  constructor(options: KubectlOptions) {
    this.version = options.version;
    this.binary = kubectlBinary(options.version);
    this.kubeconfig = options.kubeconfig;
    this.cacheDir = options.cacheDir;
    mkdirSync(this.cacheDir, { recursive: true });
  }

  run(args: string[], options: KubectlRunOptions = {}): Promise<KubectlResult> {
    const all = ["--kubeconfig", this.kubeconfig, "--cache-dir", this.cacheDir, ...args];
    return new Promise((done) => {
      const child = execFile(
        this.binary,
        all,
        {
          env: { ...process.env, ...options.env },
          timeout: options.timeoutMs ?? 60_000,
          maxBuffer: 64 * 1024 * 1024,
        },
        (err, stdout, stderr) => {
          const code = err && typeof err.code === "number" ? err.code : err ? 1 : 0;
          done({ code, stdout, stderr });
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }

  /** Starts a long-running kubectl (get -w, a waiting delete) whose output can be awaited. */
  start(args: string[], options: { env?: Record<string, string> } = {}): KubectlProcess {
    const all = ["--kubeconfig", this.kubeconfig, "--cache-dir", this.cacheDir, ...args];
    return new KubectlProcess(this.binary, all, options.env ?? {});
  }

  /** Runs kubectl and fails (with its stderr) unless it exits 0; returns stdout. */
  async ok(...args: string[]): Promise<string> {
    const r = await this.run(args);
    if (r.code !== 0) {
      throw new Error(`kubectl ${this.version} ${args.join(" ")} exited ${r.code}\n${r.stderr}${r.stdout}`);
    }
    return r.stdout;
  }
}

/** A kubectl subprocess running in the background; always end it with stop() or finished(). */
export class KubectlProcess {
  stdout = "";
  stderr = "";
  private readonly exit: Promise<number>;
  private readonly child;
  private readonly listeners = new Set<() => void>();

  constructor(binary: string, args: string[], env: Record<string, string>) {
    const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    const changed = () => {
      for (const listener of this.listeners) listener();
    };
    child.stdout.on("data", (d: Buffer) => {
      this.stdout += d.toString();
      changed();
    });
    child.stderr.on("data", (d: Buffer) => {
      this.stderr += d.toString();
      changed();
    });
    this.exit = new Promise((done) => {
      child.once("close", (code, signal) => {
        done(code ?? (signal ? 128 : 1));
        changed();
      });
    });
  }

  /** Resolves once stdout+stderr match `pattern`; rejects after `timeoutMs` or if kubectl exits first. */
  waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (pattern.test(this.stdout) || pattern.test(this.stderr)) {
          cleanup();
          resolve();
        } else if (this.child.exitCode !== null || this.child.signalCode !== null) {
          cleanup();
          reject(new Error(`kubectl exited before ${pattern}:\n${this.stdout}\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`no ${pattern} from kubectl within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Waits for kubectl to exit by itself. */
  async finished(): Promise<KubectlResult> {
    const code = await this.exit;
    return { code, stdout: this.stdout, stderr: this.stderr };
  }

  /** Sends SIGTERM (if still running) and waits for the exit. */
  async stop(): Promise<KubectlResult> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    return this.finished();
  }
}
