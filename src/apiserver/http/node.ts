// Adapters from node:http request/response objects to the transport-neutral ApiRequest/ResponseSink.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import type { ApiRequest, PeerCertificate, ResponseSink } from "./sink.ts";

function asList(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The subject of each connection's client certificate. getPeerCertificate() decodes the X.509
 * certificate anew on every call (it was 7% of server CPU under load), while the certificate of
 * a TLS connection is fixed after the handshake, so keep-alive requests reuse the first answer.
 */
const subjects = new WeakMap<object, PeerCertificate | null>();

/** The verified client certificate's subject; undefined if absent or not signed by our CA. */
export function peerCertificate(req: Pick<IncomingMessage, "socket">): PeerCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.authorized || typeof socket.getPeerCertificate !== "function") return undefined;
  let subject = subjects.get(socket);
  if (subject === undefined) {
    const cert = socket.getPeerCertificate();
    subject = cert?.subject
      ? Object.freeze({
          commonName: asList(cert.subject.CN)[0] ?? "",
          organizations: Object.freeze(asList(cert.subject.O)) as string[],
        })
      : null;
    subjects.set(socket, subject);
  }
  return subject ?? undefined;
}

export function fromNodeRequest(req: IncomingMessage, upgrade?: ApiRequest["upgrade"]): ApiRequest {
  const cert = peerCertificate(req);
  return {
    method: req.method ?? "GET",
    url: req.url ?? "/",
    headers: req.headers,
    body: req,
    ...(req.socket.remoteAddress ? { remoteAddress: req.socket.remoteAddress } : {}),
    ...(cert ? { peerCertificate: cert } : {}),
    ...(upgrade ? { upgrade } : {}),
  };
}

const reasons: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * The response of an Upgrade request that is answered instead of upgraded (an error): written
 * as raw HTTP/1.1 on the socket, which is then closed. A handler that takes the connection over
 * (the streaming proxy) never writes to it.
 */
export function upgradeSink(socket: Duplex): ResponseSink {
  let head = "";
  let sent = false;
  let closed = false;
  const listeners: (() => void)[] = [];
  socket.on("close", () => {
    closed = true;
    for (const l of listeners.splice(0)) l();
  });
  return {
    get headersSent() {
      return sent;
    },
    get closed() {
      return closed;
    },
    writeHead(status, headers) {
      sent = true;
      const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
      head = `HTTP/1.1 ${status} ${reasons[status] ?? "Error"}\r\n${[...lines, "Connection: close"].join("\r\n")}\r\n\r\n`;
    },
    write(chunk) {
      if (head !== "") {
        socket.write(head);
        head = "";
      }
      socket.write(chunk);
    },
    end(chunk) {
      if (head !== "") socket.write(head);
      head = "";
      socket.end(chunk);
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}

/**
 * UTF-8 bytes of a string chunk. A TLS socket takes Buffers much more cheaply than strings:
 * streaming a 13 MB list in 64 KiB chunks costs 266 ms CPU as strings, 110 ms as Buffers.
 */
function asBytes(chunk: string | Uint8Array): Uint8Array {
  return typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/** What toResponseSink uses of a response: node:http's, or node:http2's compatibility one. */
export type NodeResponse = Pick<ServerResponse, "headersSent" | "writableEnded"> & {
  /** node:http2's has it too (sending the headers if not yet sent), though its types omit it. */
  flushHeaders?(): void;
  on(event: "close", listener: () => void): unknown;
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: Uint8Array): boolean;
  end(): unknown;
  end(chunk: Uint8Array): unknown;
};

export function toResponseSink(res: NodeResponse): ResponseSink {
  let closed = false;
  const listeners: (() => void)[] = [];
  const fire = (): void => {
    if (closed) return;
    closed = true;
    for (const l of listeners.splice(0)) l();
  };
  res.on("close", fire);
  return {
    get headersSent() {
      return res.headersSent;
    },
    get closed() {
      return closed || res.writableEnded;
    },
    writeHead(status, headers) {
      res.writeHead(status, headers);
      // A streamed response (watch, log follow) has no Content-Length: send the headers now, so
      // clients waiting for them (client-go's Do) do not block until the first event.
      if (!Object.keys(headers).some((h) => h.toLowerCase() === "content-length")) res.flushHeaders?.();
    },
    write(chunk) {
      if (!res.writableEnded) res.write(asBytes(chunk));
    },
    end(chunk) {
      if (res.writableEnded) return;
      if (chunk === undefined) res.end();
      else res.end(asBytes(chunk));
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}
