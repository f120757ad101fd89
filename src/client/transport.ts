// The seam between the REST client and the wire: one request/response form and one streaming
// form (watches). HTTPS and the in-process handler chain both implement it.
import type { Readable } from "node:stream";

export interface TransportRequest {
  method: string;
  /** Absolute path with query string: `/api/v1/namespaces/default/pods?limit=500`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborting cancels the request (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

/** A response read as it arrives. Decoded as UTF-8 text; chunk boundaries are arbitrary. */
export interface TransportStream {
  status: number;
  headers: Record<string, string>;
  /** Registers the chunk listener; chunks that arrived before are delivered at once. */
  onChunk(listener: (chunk: string) => void): void;
  /** Resolves when the response ends (by the server or by `cancel`); rejects on a broken connection. */
  done: Promise<void>;
  /** Closes the response from the client side, like closing the connection. Idempotent. */
  cancel(): void;
}

export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Resolves once status and headers are known. */
  stream(request: TransportRequest): Promise<TransportStream>;
  /** Releases sockets and agents. Open streams are cancelled. */
  close(): void;
}

/** Reads a whole stream into a string (used for error bodies of streaming requests). */
export async function readAll(stream: TransportStream): Promise<string> {
  let body = "";
  stream.onChunk((c) => {
    body += c;
  });
  await stream.done;
  return body;
}

/**
 * The TransportStream of a response being read from a node stream (setEncoding("utf8") done):
 * chunks wait for the listener, `done` settles on end, close or error (a cancelled stream ends
 * quietly), and `cancel` calls `close` once.
 */
export function readableStream(
  source: Readable,
  o: { status: number; headers: Record<string, string>; close: () => void },
): TransportStream {
  let cancelled = false;
  let listener: ((c: string) => void) | undefined;
  const pending: string[] = [];
  source.on("data", (c: string) => {
    if (listener) listener(c);
    else pending.push(c);
  });
  const done = new Promise<void>((ok, fail) => {
    source.once("end", ok);
    source.once("close", () =>
      cancelled || source.readableEnded ? ok() : fail(new Error("connection closed")),
    );
    source.once("error", (e) => (cancelled ? ok() : fail(e)));
  });
  // A watch that is never awaited must not become an unhandled rejection.
  done.catch(() => {});
  return {
    status: o.status,
    headers: o.headers,
    onChunk(l) {
      listener = l;
      for (const c of pending.splice(0)) l(c);
    },
    done,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      o.close();
    },
  };
}
