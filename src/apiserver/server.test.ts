import assert from "node:assert/strict";
import { Agent, request } from "node:https";
import { test } from "node:test";
import { tempDir } from "../../test/support/tempdir.ts";
import type { ApiHandler } from "./handler.ts";
import type { ResponseSink } from "./http/sink.ts";
import { ensurePki } from "./pki.ts";
import { startHttpsServer } from "./server.ts";

interface Held {
  url: string;
  release: () => void;
}

/**
 * A handler that holds every request until the test releases it, so the test decides what is in
 * flight when close() begins (the transport is under test here, not the API).
 */
function holdingHandler() {
  const held: Held[] = [];
  const waiters: (() => void)[] = [];
  let inflight = 0;
  const idle: (() => void)[] = [];
  const handler = {
    async serve(req: { url: string }, res: ResponseSink): Promise<void> {
      inflight++;
      await new Promise<void>((release) => {
        held.push({ url: req.url, release });
        for (const w of waiters.splice(0)) w();
      });
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      inflight--;
      if (inflight === 0) for (const f of idle.splice(0)) f();
    },
    closeWatches(): void {},
    drained(): Promise<void> {
      return inflight === 0 ? Promise.resolve() : new Promise((r) => idle.push(r));
    },
  };
  const next = async (): Promise<Held> => {
    while (held.length === 0) await new Promise<void>((r) => waiters.push(r));
    return held.shift() as Held;
  };
  return { handler: handler as unknown as ApiHandler, next };
}

function get(url: string, agent: Agent): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** A listener on a free port with a fresh PKI and a holding handler. */
async function startHolding(drainTimeoutMs?: number) {
  const dir = tempDir();
  const pki = await ensurePki(dir.path);
  const { handler, next } = holdingHandler();
  const server = await startHttpsServer({
    handler,
    host: "127.0.0.1",
    port: 0,
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    ...(drainTimeoutMs !== undefined ? { drainTimeoutMs } : {}),
  });
  return { dir, ca: pki.ca.cert, next, server, base: `https://127.0.0.1:${server.port}` };
}

test("close: a request answered while closing ends its keep-alive connection, so the drain ends", async () => {
  const { dir, ca, next, server, base } = await startHolding();
  const agents = [0, 1].map(() => new Agent({ keepAlive: true, maxSockets: 1, ca }));
  try {
    const first = get(`${base}/a`, agents[0] as Agent);
    const second = get(`${base}/b`, agents[1] as Agent);
    const held = [await next(), await next()];
    const closed = server.close();
    for (const h of held) h.release();
    const answers = await Promise.all([first, second]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200],
    );
    // Without "Connection: close" these keep-alive clients could send again and again, and the
    // drain, which waits for no request in flight, would never end.
    assert.deepEqual(
      answers.map((a) => a.connection),
      ["close", "close"],
    );
    await closed;
    await assert.rejects(get(`${base}/c`, agents[0] as Agent), /ECONNREFUSED/);
  } finally {
    for (const a of agents) a.destroy();
    await server.close();
    dir.remove();
  }
});

test("close: a request still in flight at the drain deadline has its connection cut", async () => {
  const { dir, ca, next, server, base } = await startHolding(50);
  const agent = new Agent({ keepAlive: true, ca });
  try {
    const stuck = get(`${base}/stuck`, agent);
    const held = await next();
    await server.close();
    await assert.rejects(stuck, /socket hang up|ECONNRESET/);
    held.release();
  } finally {
    agent.destroy();
    dir.remove();
  }
});
