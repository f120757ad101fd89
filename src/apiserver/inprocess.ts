// In-process transport: runs a request through the same filter chain as HTTPS, for tests and
// for components living in the server process (they still pass authn, authz and admission).
import type { ApiHandler } from "./handler.ts";
import type { ApiRequest, ResponseSink } from "./http/sink.ts";

export interface InProcessRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Caller identity; absent means anonymous. */
  user?: { name: string; uid?: string; groups: string[] };
}

export interface InProcessResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface InProcessStream {
  /** Resolves with status and headers once they are written. */
  head: Promise<{ status: number; headers: Record<string, string> }>;
  /** Called per chunk as the handler writes it. */
  onChunk(listener: (chunk: string) => void): void;
  /** Resolves when the handler ends the response. */
  done: Promise<void>;
  /** Client-side cancel (like closing the connection). */
  cancel(): void;
}

function toApiRequest(r: InProcessRequest): ApiRequest {
  const body = r.body === undefined ? [] : [typeof r.body === "string" ? Buffer.from(r.body) : r.body];
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  return { method: r.method, url: r.path, headers, body, ...(r.user ? { inProcessUser: r.user } : {}) };
}

/** Starts a request and exposes its response as a stream (watches, large lists). */
export function inProcessStream(handler: ApiHandler, request: InProcessRequest): InProcessStream {
  let headersSent = false;
  let closed = false;
  const chunkListeners: ((c: string) => void)[] = [];
  const pending: string[] = [];
  const closeListeners: (() => void)[] = [];
  let resolveHead: (h: { status: number; headers: Record<string, string> }) => void = () => {};
  const head = new Promise<{ status: number; headers: Record<string, string> }>((r) => {
    resolveHead = r;
  });
  const emit = (chunk: string): void => {
    if (chunkListeners.length === 0) pending.push(chunk);
    else for (const l of chunkListeners) l(chunk);
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    for (const l of closeListeners.splice(0)) l();
  };
  const sink: ResponseSink = {
    get headersSent() {
      return headersSent;
    },
    get closed() {
      return closed;
    },
    writeHead(status, headers) {
      headersSent = true;
      resolveHead({ status, headers });
    },
    write(chunk) {
      if (!closed) emit(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("latin1"));
    },
    end(chunk) {
      if (closed) return;
      if (chunk) emit(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("latin1"));
      close();
    },
    onClose(listener) {
      if (closed) listener();
      else closeListeners.push(listener);
    },
  };
  const done = handler.serve(toApiRequest(request), sink).then(() => close());
  return {
    head,
    done,
    onChunk(listener) {
      chunkListeners.push(listener);
      for (const c of pending.splice(0)) listener(c);
    },
    cancel: close,
  };
}

/** Runs a request to completion and returns the whole response. */
export async function inProcessRequest(
  handler: ApiHandler,
  request: InProcessRequest,
): Promise<InProcessResponse> {
  const stream = inProcessStream(handler, request);
  let body = "";
  stream.onChunk((c) => {
    body += c;
  });
  await stream.done;
  const { status, headers } = await stream.head;
  return { status, headers, body };
}
