// Attach: follows the container's CRI log from its current end and splits it back into stdout and
// stderr; stdin goes straight into the container's stdin pipe. conmon's attach socket (which would
// carry stdin) is SOCK_SEQPACKET, which Node's net module cannot open; but a container run with
// conmon --stdin has a pipe as fd 0, and /proc/<pid>/fd/0 opened for writing is that pipe.
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { PassThrough, type Writable } from "node:stream";
import type { StreamOptions, StreamSession } from "../runtime.ts";

/** One CRI log line: `<RFC3339Nano> <stdout|stderr> <F|P> <text>`; P (partial) lines have no newline. */
export function parseCriLogLine(line: string): { stream: "stdout" | "stderr"; text: string } | undefined {
  const match = /^\S+ (stdout|stderr) (F|P) (.*)$/.exec(line);
  if (!match) return undefined;
  return {
    stream: match[1] as "stdout" | "stderr",
    text: match[2] === "P" ? (match[3] ?? "") : `${match[3] ?? ""}\n`,
  };
}

export interface FollowOptions extends StreamOptions {
  logPath: string;
  /** Resolves with the container's exit code when it exits. */
  exited: Promise<number>;
  /** The container's stdin (openContainerStdin), when the attach asks for it. */
  stdinPipe?: Writable;
  /**
   * stdinOnce: called once when this session's stdin ends (the client closed it) or the session
   * ends, to close the container's stdin for good.
   */
  closeStdin?: () => Promise<void>;
  pollMs?: number;
}

export async function attachToLog(options: FollowOptions): Promise<StreamSession> {
  const file = await open(options.logPath, "r");
  let position = (await file.stat()).size;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let pending = "";
  let closed = false;
  const drain = async () => {
    for (;;) {
      const buffer = Buffer.alloc(64 * 1024);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      pending += buffer.subarray(0, bytesRead).toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const entry = parseCriLogLine(line);
        if (!entry) continue;
        // A terminal merges stderr into stdout.
        const target = entry.stream === "stderr" && !options.tty ? stderr : stdout;
        if ((target === stdout && options.stdout) || (target === stderr && options.stderr))
          target.write(entry.text);
      }
    }
  };
  let stdinClosed = false;
  const closeStdin = async () => {
    if (stdinClosed || !options.closeStdin) return;
    stdinClosed = true;
    options.stdinPipe?.destroy();
    await options.closeStdin().catch(() => {});
  };
  // The client ended stdin (kubectl read EOF): with stdinOnce the container sees EOF now.
  options.stdinPipe?.once("finish", () => void closeStdin());
  const finish = async () => {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    await drain().catch(() => {});
    await file.close().catch(() => {});
    await closeStdin();
    options.stdinPipe?.destroy();
    stdout.end();
    stderr.end();
  };
  const timer = setInterval(() => void drain().catch(() => finish()), options.pollMs ?? 100);
  const exitCode = options.exited.then(async (code) => {
    await finish();
    return code;
  });
  return {
    ...(options.stdinPipe ? { stdin: options.stdinPipe } : {}),
    ...(options.stdout ? { stdout } : {}),
    ...(options.stderr && !options.tty ? { stderr } : {}),
    resize() {
      // The container's output is a log file here, not a terminal: there is nothing to resize.
    },
    exitCode,
    close() {
      void finish();
    },
  };
}

/**
 * The write side of a container's stdin pipe, through its init's fd 0 (`pidFile`: conmon's
 * --container-pidfile). Closing it alone does not close the container's stdin: conmon keeps its
 * own write end open (closeConmonStdin below closes that one).
 */
export async function openContainerStdin(pidFile: string): Promise<Writable> {
  const pid = Number.parseInt((await readFile(pidFile, "utf8")).trim(), 10);
  if (!(pid > 0)) throw new Error(`no container pid in ${pidFile}`);
  const handle = await open(`/proc/${pid}/fd/0`, constants.O_WRONLY);
  const stream = handle.createWriteStream();
  // A client that goes away mid-write must not crash the agent (EPIPE once the container exits).
  stream.on("error", () => {});
  return stream;
}

/**
 * Makes conmon close its end of the container's stdin pipe: conmon (without --leave-stdin-open)
 * does so when a client of its attach socket (`<bundle>/attach`, from --full-attach) goes away. The
 * socket is SOCK_SEQPACKET, which Node cannot open, so perl (perl-base is Essential on Debian) opens
 * it and closes it; cwd is the bundle so the address stays short whatever the path's length.
 */
export function closeConmonStdin(bundle: string): Promise<void> {
  const script =
    "use Socket; socket(my $s, AF_UNIX, SOCK_SEQPACKET, 0) or die qq(socket: $!\\n); " +
    "connect($s, pack_sockaddr_un(q(attach))) or die qq(connect: $!\\n); close($s);";
  return new Promise((resolve, reject) => {
    execFile("perl", ["-e", script], { cwd: bundle, timeout: 10_000 }, (err, _stdout, stderr) => {
      if (err)
        reject(new Error(`closing the stdin of the container in ${bundle}: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}
