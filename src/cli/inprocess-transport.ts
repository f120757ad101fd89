// Adapts the API server's in-process entry points to the client's Transport, so components in
// the server process use the REST client through the full handler chain (authn, authz,
// admission, validation) without a socket.
import { setMaxListeners } from "node:events";
import type { ApiHandler } from "../apiserver/handler.ts";
import { inProcessRequest, inProcessStream } from "../apiserver/inprocess.ts";
import type { Transport, TransportRequest, TransportResponse, TransportStream } from "../client/transport.ts";

export interface InProcessTransportOptions {
  handler: ApiHandler;
  /** Identity the requests authenticate as; absent means anonymous. */
  user?: { name: string; uid?: string; groups: string[] };
}

function aborted(signal: AbortSignal | undefined): Error | undefined {
  if (!signal?.aborted) return undefined;
  return signal.reason instanceof Error ? signal.reason : new Error("request aborted");
}

export class InProcessTransport implements Transport {
  private readonly open = new Set<() => void>();
  private closed = false;

  constructor(private readonly options: InProcessTransportOptions) {}

  private base(r: TransportRequest) {
    if (this.closed) throw new Error("transport closed");
    return {
      method: r.method,
      path: r.path,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(this.options.user ? { user: this.options.user } : {}),
    };
  }

  async request(r: TransportRequest): Promise<TransportResponse> {
    const why = aborted(r.signal);
    if (why) throw why;
    const res = await inProcessRequest(this.options.handler, this.base(r));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = v;
    return { status: res.status, headers, body: res.body };
  }

  async stream(r: TransportRequest): Promise<TransportStream> {
    const why = aborted(r.signal);
    if (why) throw why;
    const s = inProcessStream(this.options.handler, this.base(r));
    const cancel = (): void => {
      this.open.delete(cancel);
      s.cancel();
    };
    this.open.add(cancel);
    const onAbort = (): void => cancel();
    if (r.signal) {
      // One controller's signal is shared by all its in-flight requests and watches.
      setMaxListeners(0, r.signal);
      r.signal.addEventListener("abort", onAbort, { once: true });
    }
    const done = s.done.finally(() => {
      this.open.delete(cancel);
      r.signal?.removeEventListener("abort", onAbort);
    });
    done.catch(() => {});
    const head = await Promise.race([s.head, done.then(() => undefined)]);
    if (!head) {
      // The handler ended (or was cancelled) before writing a head.
      const failure = aborted(r.signal);
      if (failure) throw failure;
      return { status: 0, headers: {}, onChunk: () => {}, done, cancel };
    }
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(head.headers)) headers[k.toLowerCase()] = v;
    return { status: head.status, headers, onChunk: (l) => s.onChunk(l), done, cancel };
  }

  close(): void {
    this.closed = true;
    for (const cancel of [...this.open]) cancel();
  }
}
