// Kubernetes' port-forward protocol (portforward.k8s.io) over a SPDY session: per forwarded TCP
// connection the client opens an `error` and a `data` stream sharing a `requestid`; the data
// stream is spliced to the port inside the pod's network namespace, failures are written as text
// on the error stream. kubectl 1.32 sends the same SPDY bytes inside WebSocket messages
// (SPDY/3.1+portforward.k8s.io); webSocketDuplex turns those back into a byte stream.
import { Duplex } from "node:stream";
import type WebSocket from "ws";
import type { SpdySession, SpdyStream } from "./spdy/session.ts";

export const portForwardProtocol = "portforward.k8s.io";
export const portForwardWebSocketProtocol = "SPDY/3.1+portforward.k8s.io";

/** Opens a connection to `port` in the pod (Runtime.portForward bound to the pod's sandbox). */
export type PodDialer = (port: number) => Promise<Duplex>;

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

export function servePortForward(spdy: SpdySession, dial: PodDialer): void {
  const pairs = new Map<string, Pair>();
  spdy.on("stream", (stream) => {
    stream.reply();
    const type = stream.headers.streamtype;
    const requestId = stream.headers.requestid ?? stream.headers.port ?? "";
    const pair = pairs.get(requestId) ?? {};
    pairs.set(requestId, pair);
    if (type === "error") {
      pair.error = stream;
      // The client half-closes its side at once; nothing to read.
      stream.resume();
    } else if (type === "data") {
      pair.data = stream;
      void splice(stream, pair, () => pairs.delete(requestId), dial);
    } else {
      stream.reset();
    }
  });
}

async function splice(data: SpdyStream, pair: Pair, done: () => void, dial: PodDialer): Promise<void> {
  const port = Number(data.headers.port);
  const fail = (message: string): void => {
    pair.error?.end(message);
    data.end();
    done();
  };
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`invalid port "${data.headers.port ?? ""}"`);
    return;
  }
  let conn: Duplex;
  try {
    conn = await dial(port);
  } catch (err) {
    fail(`error forwarding port ${port}: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  data.on("data", (chunk: Buffer) => conn.write(chunk));
  data.on("end", () => conn.end());
  data.on("close", () => conn.end());
  conn.on("data", (chunk: Buffer) => data.write(chunk));
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    if (!data.writableEnded) data.end();
    if (pair.error && !pair.error.writableEnded) pair.error.end();
    done();
  };
  conn.on("end", finish);
  conn.on("close", finish);
  conn.on("error", (err) => {
    if (!finished && pair.error && !pair.error.writableEnded) {
      pair.error.write(`error forwarding port ${port}: ${err.message}`);
    }
    finish();
  });
}

/** The byte stream carried in a WebSocket's binary messages (SPDY tunnelled by kubectl 1.32). */
export function webSocketDuplex(ws: WebSocket): Duplex {
  const duplex = new Duplex({
    read() {},
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) {
        cb();
        return;
      }
      ws.send(chunk, { binary: true }, (err) => cb(err ?? null));
    },
    final(cb) {
      ws.close(1000);
      cb();
    },
    destroy(err, cb) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
      cb(err);
    },
  });
  ws.on("message", (data: Buffer) => duplex.push(data));
  ws.on("close", () => {
    duplex.push(null);
    duplex.destroy();
  });
  ws.on("error", () => duplex.destroy());
  return duplex;
}
