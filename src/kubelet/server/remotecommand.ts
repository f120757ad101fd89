// Kubernetes' remote command protocols (exec and attach), server side: the WebSocket channel
// protocol (v5.channel.k8s.io and v4.channel.k8s.io: one byte of channel, then data) and SPDY
// (v4.channel.k8s.io: one SPDY stream per channel). Both end with a Status on the error channel:
// Success, or Failure with reason NonZeroExitCode and the code as a cause, which kubectl exits with.
import type { Readable } from "node:stream";
import type WebSocket from "ws";
import type { StreamOptions, StreamSession } from "../runtime/runtime.ts";
import type { SpdySession, SpdyStream } from "./spdy/session.ts";

export const webSocketProtocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;
export const spdyProtocols = ["v4.channel.k8s.io"] as const;

enum Channel {
  Stdin = 0,
  Stdout = 1,
  Stderr = 2,
  Error = 3,
  Resize = 4,
  Close = 255,
}

/** The Status kubectl reads on the error channel when the command ends. */
export function exitStatus(code: number): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: "Success" });
  return JSON.stringify({
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command, exit status ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  });
}

/** A failure before the command ran (container not running, exec refused). */
export function errorStatus(message: string): string {
  return JSON.stringify({ metadata: {}, status: "Failure", message, reason: "InternalError", code: 500 });
}

function ended(stream: Readable | undefined): Promise<void> {
  if (!stream || stream.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });
}

function parseResize(text: string): { width: number; height: number } | undefined {
  try {
    const v = JSON.parse(text) as { Width?: unknown; Height?: unknown };
    if (typeof v.Width === "number" && typeof v.Height === "number")
      return { width: v.Width, height: v.Height };
  } catch {
    // A malformed resize message is ignored, as Kubernetes does.
  }
  return undefined;
}

/** Serves one exec/attach over an accepted WebSocket. */
export async function serveWebSocketCommand(
  ws: WebSocket,
  protocol: string,
  start: () => Promise<StreamSession>,
): Promise<void> {
  const pending: Buffer[] = [];
  let session: StreamSession | undefined;
  const onMessage = (data: Buffer): void => {
    if (!session) {
      pending.push(data);
      return;
    }
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === Channel.Stdin) session.stdin?.write(payload);
    else if (channel === Channel.Resize) {
      const size = parseResize(payload.toString("utf8"));
      if (size) session.resize(size);
    } else if (channel === Channel.Close && protocol.startsWith("v5") && payload[0] === Channel.Stdin) {
      session.stdin?.end();
    }
  };
  ws.on("message", (data: Buffer, isBinary: boolean) => {
    if (isBinary) onMessage(data);
  });
  const send = (channel: Channel, data: Buffer | string): void => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
  };
  try {
    session = await start();
  } catch (err) {
    send(Channel.Error, errorStatus(err instanceof Error ? err.message : String(err)));
    ws.close(1000);
    return;
  }
  const s = session;
  ws.on("close", () => s.close());
  for (const data of pending.splice(0)) onMessage(data);
  s.stdout?.on("data", (chunk: Buffer) => send(Channel.Stdout, chunk));
  s.stderr?.on("data", (chunk: Buffer) => send(Channel.Stderr, chunk));
  const code = await s.exitCode;
  await Promise.all([ended(s.stdout), ended(s.stderr)]);
  send(Channel.Error, exitStatus(code));
  ws.close(1000);
}

/** Serves one exec/attach over a SPDY session once the client has opened its streams. */
export async function serveSpdyCommand(
  spdy: SpdySession,
  options: StreamOptions,
  start: () => Promise<StreamSession>,
): Promise<void> {
  const wanted = new Set(["error"]);
  if (options.stdin) wanted.add("stdin");
  if (options.stdout) wanted.add("stdout");
  if (options.stderr && !options.tty) wanted.add("stderr");
  if (options.tty) wanted.add("resize");
  const streams = new Map<string, SpdyStream>();
  const ready = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 30_000);
    spdy.on("stream", (stream) => {
      const type = stream.headers.streamtype ?? "";
      stream.reply();
      streams.set(type, stream);
      // Without a resize stream a tty client still works (kubectl without a terminal sends none).
      const missing = [...wanted].filter((t) => !streams.has(t) && t !== "resize");
      if (missing.length === 0 && (streams.has("resize") || !options.tty || streams.size >= wanted.size)) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    spdy.on("close", () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
  if (!(await ready)) {
    spdy.close();
    return;
  }
  const errorStream = streams.get("error");
  let session: StreamSession;
  try {
    session = await start();
  } catch (err) {
    errorStream?.end(errorStatus(err instanceof Error ? err.message : String(err)));
    spdy.close();
    return;
  }
  spdy.on("close", () => session.close());
  const stdin = streams.get("stdin");
  if (stdin && session.stdin) stdin.pipe(session.stdin);
  const resize = streams.get("resize");
  let resizeText = "";
  resize?.on("data", (chunk: Buffer) => {
    resizeText += chunk.toString("utf8");
    const lines = resizeText.split("\n");
    resizeText = lines.pop() ?? "";
    for (const line of lines) {
      const size = parseResize(line);
      if (size) session.resize(size);
    }
  });
  const forward = (from: Readable | undefined, to: SpdyStream | undefined): Promise<void> => {
    if (!from) return Promise.resolve();
    from.on("data", (chunk: Buffer) => to?.write(chunk));
    return ended(from);
  };
  // Forward before waiting for the exit: a process blocked on a full pipe never exits.
  const copied = Promise.all([
    forward(session.stdout, streams.get("stdout")),
    forward(session.stderr, streams.get("stderr")),
  ]);
  const code = await session.exitCode;
  await copied;
  streams.get("stdout")?.end();
  streams.get("stderr")?.end();
  // In v4 an empty error stream means success.
  errorStream?.end(code === 0 ? undefined : exitStatus(code));
  setImmediate(() => spdy.close());
}
