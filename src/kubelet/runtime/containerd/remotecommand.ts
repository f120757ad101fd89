// A client of Kubernetes' remotecommand protocol over WebSocket (`v4.channel.k8s.io`), as served by
// containerd's CRI streaming server for the URLs of CRI Exec and Attach: each binary message starts
// with a channel byte (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize). v4 cannot half-close stdin,
// which is why non-tty exec goes through runc instead (see streams.ts).
import { PassThrough, Writable } from "node:stream";
import WebSocket from "ws";
import type { StreamOptions, StreamSession } from "../runtime.ts";

const channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4 } as const;

interface StatusMessage {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** The exit code a v4 status carries: 0 on Success, the ExitCode cause otherwise (1 if absent). */
export function exitCodeOfStatus(text: string): number {
  let status: StatusMessage;
  try {
    status = JSON.parse(text) as StatusMessage;
  } catch {
    return 1;
  }
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : 1;
}

/** Opens a remotecommand session on a streaming URL from CRI Exec or Attach. */
export function openRemoteCommand(url: string, options: StreamOptions): Promise<StreamSession> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["v4.channel.k8s.io"]);
    const stdout = options.stdout ? new PassThrough() : undefined;
    const stderr = options.stderr && !options.tty ? new PassThrough() : undefined;
    let exitCode = 0;
    let resolveExit: (code: number) => void = () => {};
    const exited = new Promise<number>((r) => {
      resolveExit = r;
    });
    const send = (ch: number, data: Buffer): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([ch]), data]));
    };
    const stdin = options.stdin
      ? new Writable({
          write(chunk: Buffer, _encoding, callback) {
            send(channel.stdin, chunk);
            callback();
          },
        })
      : undefined;
    ws.on("message", (data: Buffer) => {
      if (data.length === 0) return;
      const payload = data.subarray(1);
      // Channel-open frames carry no payload; nothing to deliver.
      if (payload.length === 0) return;
      if (data[0] === channel.stdout) stdout?.write(payload);
      else if (data[0] === channel.stderr) stderr?.write(payload);
      else if (data[0] === channel.error) exitCode = exitCodeOfStatus(payload.toString("utf8"));
    });
    ws.once("open", () =>
      resolve({
        stdin,
        stdout,
        stderr,
        resize: ({ width, height }) =>
          send(channel.resize, Buffer.from(JSON.stringify({ Width: width, Height: height }))),
        exitCode: exited,
        close: () => ws.close(),
      }),
    );
    ws.once("error", (err) => {
      reject(err);
      exitCode = exitCode || 1;
    });
    ws.once("close", () => {
      stdout?.end();
      stderr?.end();
      resolveExit(exitCode);
    });
  });
}
