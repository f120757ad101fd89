// Starts `skiff server --disable-agent` as a child process in a temp dir (port picked by the
// server, read from its ready line) and runs the real kubectl 1.32 against it.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tempDir } from "./tempdir.ts";

function kubectlPath(): string {
  const fixed = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";
  try {
    return join(dirname(realpathSync(fixed)), "kubectl.1.32");
  } catch {
    return fixed;
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class SkiffServer {
  readonly dir = tempDir("skiff-server-");
  url = "";
  private child: ChildProcess | undefined;
  private output = "";

  get kubeconfig(): string {
    return join(this.dir.path, "kubeconfig");
  }

  async start(extraArgs: string[] = []): Promise<void> {
    const main = resolve(import.meta.dirname, "../../src/cli/main.ts");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        main,
        "server",
        "--disable-agent",
        "--data-dir",
        this.dir.path,
        "--listen",
        "127.0.0.1:0",
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

  kubectl(
    args: string[],
    options: { input?: string; env?: Record<string, string> } = {},
  ): Promise<KubectlResult> {
    const all = [
      "--kubeconfig",
      this.kubeconfig,
      "--cache-dir",
      join(this.dir.path, "kubectl-cache"),
      ...args,
    ];
    return new Promise((done) => {
      const p = execFile(
        kubectlPath(),
        all,
        { env: { ...process.env, ...options.env }, timeout: 60_000 },
        (err, stdout, stderr) => {
          const code = err && typeof err.code === "number" ? err.code : err ? 1 : 0;
          done({ code, stdout, stderr });
        },
      );
      if (options.input !== undefined) p.stdin?.end(options.input);
    });
  }

  /** SIGTERM and wait for a clean exit; returns the exit code. */
  async stop(): Promise<number | null> {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill("SIGTERM");
      const code = await exited;
      this.dir.remove();
      return code;
    }
    this.dir.remove();
    return child?.exitCode ?? null;
  }

  get log(): string {
    return this.output;
  }
}
