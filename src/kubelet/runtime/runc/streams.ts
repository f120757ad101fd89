// Processes the runtime runs beside a container: `runc exec` collected (probes, hooks) or streamed
// (kubectl exec; a terminal comes from util-linux `script`, since Node cannot receive runc's pty
// master over a console socket), and port-forward as busybox `nc` inside the sandbox's netns.
import { type ChildProcess, type ChildProcessByStdio, spawn } from "node:child_process";
import { readdir, readFile, readlink } from "node:fs/promises";
import { Duplex, type Readable, type Writable } from "node:stream";
import type { ExecSyncResult, StreamOptions, StreamSession } from "../runtime.ts";
import type { OciCli } from "./oci-cli.ts";

/** Runs `cmd` in the container and collects its output; killed after `timeoutSeconds` (0: no limit). */
export function execSync(
  oci: OciCli,
  id: string,
  cmd: string[],
  timeoutSeconds: number,
): Promise<ExecSyncResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(oci.path, oci.execArgs(id, cmd), { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    // runc forwards SIGTERM to the exec'd process; SIGKILL (after a grace second) ends runc itself.
    const timer =
      timeoutSeconds > 0
        ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
            setTimeout(() => child.kill("SIGKILL"), 1000).unref();
          }, timeoutSeconds * 1000)
        : undefined;
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        exitCode: code ?? (signal ? 137 : 1),
        timedOut,
      });
    });
  });
}

function shellQuote(arg: string): string {
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.on("close", (code, signal) => resolve(code ?? (signal ? 128 + 9 : 1)));
  });
}

/** The pty slave `script` gave its child (for resizing): fd 0 of its first child process. */
async function ptyOf(scriptPid: number): Promise<string | undefined> {
  try {
    const tasks = await readdir(`/proc/${scriptPid}/task`);
    for (const task of tasks) {
      const children = (await readFile(`/proc/${scriptPid}/task/${task}/children`, "utf8")).trim().split(" ");
      for (const child of children.filter(Boolean)) {
        const target = await readlink(`/proc/${child}/fd/0`);
        if (target.startsWith("/dev/pts/")) return target;
      }
    }
  } catch {
    // The process is gone: nothing to resize.
  }
  return undefined;
}

/** An interactive `runc exec`; with a tty it runs under `script`, which owns the pty. */
export function execStream(oci: OciCli, id: string, cmd: string[], options: StreamOptions): StreamSession {
  const child = options.tty
    ? spawn(
        "script",
        [
          "--quiet",
          "--return",
          "--command",
          [oci.path, ...oci.execArgs(id, cmd, { tty: true })].map(shellQuote).join(" "),
          "/dev/null",
        ],
        { stdio: ["pipe", "pipe", "pipe"] },
      )
    : spawn(oci.path, oci.execArgs(id, cmd), { stdio: ["pipe", "pipe", "pipe"] });
  if (!options.stdin) child.stdin.end();
  const exitCode = exitCodeOf(child);
  return {
    ...(options.stdin ? { stdin: child.stdin } : {}),
    ...(options.stdout ? { stdout: child.stdout } : {}),
    ...(options.stderr && !options.tty ? { stderr: child.stderr } : {}),
    resize(size) {
      const pid = child.pid;
      if (!options.tty || pid === undefined) return;
      // Setting the size on the pty makes the kernel send SIGWINCH to runc, which resizes the container's pty.
      void ptyOf(pid).then((pty) => {
        if (!pty) return;
        spawn("stty", ["-F", pty, "rows", String(size.height), "cols", String(size.width)], {
          stdio: "ignore",
        }).on("error", () => {});
      });
    },
    exitCode,
    close() {
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}

/** A child process's stdin and stdout as one Duplex; destroying it ends the process. */
class ProcessDuplex extends Duplex {
  readonly #child: ChildProcessByStdio<Writable, Readable, null>;

  constructor(child: ChildProcessByStdio<Writable, Readable, null>) {
    super();
    this.#child = child;
    child.stdout.on("data", (d: Buffer) => {
      if (!this.push(d)) child.stdout.pause();
    });
    child.stdout.on("end", () => this.push(null));
    child.stdin.on("error", (err) => this.destroy(err));
    child.on("error", (err) => this.destroy(err));
  }

  override _read(): void {
    this.#child.stdout.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#child.stdin.write(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#child.stdin.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGTERM");
    callback(error);
  }
}

/** A TCP connection to `port` on the sandbox's loopback: `nc` run by nsenter in its network namespace. */
export function portForward(netnsPath: string, port: number): Duplex {
  const child = spawn("nsenter", [`--net=${netnsPath}`, "busybox", "nc", "127.0.0.1", String(port)], {
    stdio: ["pipe", "pipe", "ignore"],
  });
  return new ProcessDuplex(child);
}
