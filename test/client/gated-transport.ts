// Wraps a real transport so a test can cut every open watch and hold new ones back (as if the
// connection to the server were down), and count the requests the client made.
import type {
  Transport,
  TransportRequest,
  TransportResponse,
  TransportStream,
} from "../../src/client/transport.ts";

export class GatedTransport implements Transport {
  private readonly open = new Set<TransportStream>();
  private gate: Promise<void> | undefined;
  private release: () => void = () => {};
  readonly requests: string[] = [];

  constructor(private readonly inner: Transport) {}

  /** Paged lists (informers page; the tests' own reads do not). */
  get lists(): number {
    return this.requests.filter((p) => !p.includes("watch=true") && p.includes("limit=")).length;
  }

  get watches(): number {
    return this.requests.filter((p) => p.includes("watch=true")).length;
  }

  request(r: TransportRequest): Promise<TransportResponse> {
    if (r.method === "GET") this.requests.push(r.path);
    return this.inner.request(r);
  }

  async stream(r: TransportRequest): Promise<TransportStream> {
    if (this.gate) await this.gate;
    this.requests.push(r.path);
    const s = await this.inner.stream(r);
    this.open.add(s);
    s.done.finally(() => this.open.delete(s)).catch(() => {});
    return s;
  }

  /** Ends every open watch and holds new ones until `reopen`. */
  cut(): void {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
    for (const s of this.open) s.cancel();
  }

  reopen(): void {
    this.gate = undefined;
    this.release();
  }

  close(): void {
    this.reopen();
    this.inner.close();
  }
}

/**
 * Polls until the check passes, or fails with the last failure after `tries` polls 20 ms apart
 * and at least 20 s: a loaded 2-core CI machine can starve a test process for seconds, and a
 * slow pass is not what these checks are about (performance lives in bench/). Checks must give
 * assert.ok a message: without one Node re-reads and parses the test source on every failed
 * poll, which under tsx can take seconds and starve the event loop.
 */
export async function eventually(check: () => void | Promise<void>, tries = 250): Promise<void> {
  const deadline = Date.now() + Math.max(20_000, tries * 20);
  for (let i = 0; ; i++) {
    try {
      await check();
      return;
    } catch (err) {
      if (i >= tries && Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
