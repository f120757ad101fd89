// exec and port-forward without containerd's streaming server where a plain pipe is more robust:
// - non-tty exec runs `runc exec <id> cmd` against the shim's runc root: the process gets the
//   container's env, user, cwd, capabilities and cgroups from its bundle, stdin EOF reaches it
//   (the WebSocket v4 protocol cannot half-close stdin) and the exit code is runc's own.
// - port-forward runs `nsenter --net=/proc/<sandbox pid>/ns/net busybox nc 127.0.0.1 <port>`: the
//   connection starts inside the pod's network namespace, the Duplex is the helper's stdio, and
//   the host needs nothing but util-linux and busybox-static (both already required for tests).
// tty exec and attach use the CRI streaming URL (remotecommand.ts): only a pty owner can resize.
import { spawn } from "node:child_process";
import { Duplex } from "node:stream";
import type { StreamOptions, StreamSession } from "../runtime.ts";

export interface RuncExecOptions extends StreamOptions {
  /** runc's root for containerd's `k8s.io` namespace (`<runcRoot>/k8s.io`). */
  runcRoot: string;
  containerId: string;
  cmd: string[];
}

export function runcExec(options: RuncExecOptions): StreamSession {
  const child = spawn("runc", ["--root", options.runcRoot, "exec", options.containerId, ...options.cmd], {
    stdio: [
      options.stdin ? "pipe" : "ignore",
      options.stdout ? "pipe" : "ignore",
      options.stderr ? "pipe" : "ignore",
    ],
  });
  const exitCode = new Promise<number>((resolve) => {
    child.once("error", () => resolve(126));
    // A signalled exec shows as 128+n, as a shell would report it.
    child.once("close", (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
  });
  child.stdin?.on("error", () => {});
  return {
    stdin: child.stdin ?? undefined,
    stdout: child.stdout ?? undefined,
    stderr: child.stderr ?? undefined,
    // No terminal, nothing to resize.
    resize: () => {},
    exitCode,
    close: () => {
      // runc forwards signals to the exec'd process.
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };
  return (signal && numbers[signal]) ?? 0;
}

export interface NetnsConnectOptions {
  /** A process in the sandbox (its pause process) whose network namespace to enter. */
  pid: number;
  port: number;
  /** Default `busybox` on PATH. */
  busybox?: string;
}

/** A TCP connection to 127.0.0.1:port inside the namespace of `pid`, as a Duplex. */
export function connectInNetns(options: NetnsConnectOptions): Promise<Duplex> {
  const child = spawn(
    "nsenter",
    [
      `--net=/proc/${options.pid}/ns/net`,
      "--",
      options.busybox ?? "busybox",
      "nc",
      "127.0.0.1",
      String(options.port),
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  const { stdin, stdout, stderr } = child;
  let errText = "";
  stderr.on("data", (d: Buffer) => {
    errText += d.toString();
  });
  const duplex = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      stdin.write(chunk, callback);
    },
    final(callback) {
      stdin.end(callback);
    },
    read() {
      stdout.resume();
    },
    destroy(err, callback) {
      if (child.exitCode === null) child.kill("SIGKILL");
      callback(err);
    },
  });
  stdout.on("data", (d: Buffer) => {
    if (!duplex.push(d)) stdout.pause();
  });
  stdout.on("end", () => duplex.push(null));
  stdin.on("error", () => {});
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(duplex);
    };
    // nc prints nothing once connected: a refused connection shows as an early exit with a message.
    const timer = setTimeout(() => settle(), 150);
    stdout.once("data", () => settle());
    child.once("close", (code) => {
      if (code === 0) settle();
      else
        settle(new Error(`port-forward to port ${options.port} failed: ${errText.trim() || `exit ${code}`}`));
    });
    child.once("error", (err) => settle(err));
  });
}
