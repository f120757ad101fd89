// Creates a container under conmon: conmon runs `<runtime> create`, stays the parent of the
// container's init (so its exit code survives: `runc run -d` loses it, RUNTIME.md), writes the
// exit code to `<exitDir>/<id>` and the output to a CRI "k8s-file" log. conmon outlives Skiff.
import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { OciCli } from "./oci-cli.ts";

export interface ConmonOptions {
  conmonPath: string;
  oci: OciCli;
  id: string;
  bundle: string;
  logPath: string;
  exitDir: string;
  /** conmon's attach/ctl sockets and pid files go here. */
  workDir: string;
  /** Give the container a stdin pipe that stays open (kubectl attach -i writes into it). */
  stdin?: boolean;
}

/** Runs conmon and waits until the runtime has created the container; returns the init pid. */
export function createUnderConmon(options: ConmonOptions): Promise<number> {
  const args = [
    "--api-version",
    "1",
    "--cid",
    options.id,
    "--cuuid",
    options.id,
    "--name",
    options.id,
    "--runtime",
    options.oci.path,
    ...options.oci.globalArgs.flatMap((a) => ["--runtime-arg", a]),
    "--bundle",
    options.bundle,
    "--container-pidfile",
    `${options.workDir}/pid`,
    "--conmon-pidfile",
    `${options.workDir}/conmon.pid`,
    "--log-path",
    `k8s-file:${options.logPath}`,
    "--exit-dir",
    options.exitDir,
    "--socket-dir-path",
    options.workDir,
    "--full-attach",
    ...(options.stdin ? ["--stdin"] : []),
  ];
  return new Promise((resolve, reject) => {
    // fd 3 is conmon's sync pipe: one JSON message {"data": pid} once created, or a negative pid and a message.
    const child = spawn(options.conmonPath, args, {
      stdio: ["ignore", "ignore", "pipe", "pipe"],
      env: { ...process.env, _OCI_SYNCPIPE: "3" },
      detached: true,
      cwd: options.workDir,
    });
    const sync = child.stdio[3] as Readable;
    const stderr: Buffer[] = [];
    child.stderr?.on("data", (d: Buffer) => stderr.push(d));
    let buffered = "";
    let settled = false;
    const finish = (err: Error | undefined, pid?: number) => {
      if (settled) return;
      settled = true;
      sync.destroy();
      child.stderr?.destroy();
      child.unref();
      if (err) reject(err);
      else resolve(pid ?? 0);
    };
    sync.on("data", (d: Buffer) => {
      buffered += d.toString("utf8");
      const end = buffered.indexOf("}");
      if (end < 0) return;
      try {
        const message = JSON.parse(buffered.slice(0, end + 1)) as { data: number; message?: string };
        if (message.data > 0) finish(undefined, message.data);
        else
          finish(
            new Error(`container ${options.id}: ${message.message ?? "the OCI runtime failed to create it"}`),
          );
      } catch (err) {
        finish(err as Error);
      }
    });
    sync.on("error", () => {
      // Destroyed after the first message; a real failure shows as conmon's exit below.
    });
    child.on("error", (err) => finish(err));
    child.on("exit", (code) => {
      // The first conmon process exits 0 once it has forked its monitor; only a failure matters here.
      if (code !== 0) {
        const text = Buffer.concat(stderr).toString("utf8").trim();
        finish(new Error(`conmon for ${options.id} exited with ${code}: ${text}`));
      }
    });
    sync.on("end", () => {
      if (!settled) {
        const text = Buffer.concat(stderr).toString("utf8").trim();
        finish(new Error(`conmon for ${options.id} closed its sync pipe without a pid: ${text}`));
      }
    });
  });
}

/**
 * Asks conmon to reopen its log file: a `<type> <width> <height>` line on the `ctl` fifo in the
 * bundle, type 2 = REOPEN_LOGS. Non-blocking: with no conmon reading, the open fails (ENXIO).
 */
export async function reopenConmonLog(bundle: string): Promise<void> {
  const fifo = await open(join(bundle, "ctl"), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    await fifo.write("2 0 0\n");
  } finally {
    await fifo.close();
  }
}
