// The DNS load generator of bench/dns-run.ts: worker threads, each with its own connected UDP
// socket keeping a window of queries in flight (a reply sends the next one), so one thread's send
// and receive costs do not cap the measured rate. Queries are encoded once and only their id is
// patched; a reply is checked by its id and rcode bytes. Only replies inside the measuring window
// (after a warm-up) count: queries/s is wall-clock replies per second over that window.
import { Worker } from "node:worker_threads";

export interface LoadOptions {
  host: string;
  port: number;
  /** Encoded queries (any id), sent round robin. */
  queries: Buffer[];
  workers: number;
  inFlightPerWorker: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  answered: number;
  /** Replies with an rcode other than NOERROR or NXDOMAIN. */
  errors: number;
  /** Queries without a reply after a second (re-sent as new queries). */
  lost: number;
  /** Every reply, warm-up included (for CPU per query over the whole run). */
  total: number;
  /** Latency of every counted reply in ms, sorted. */
  latenciesMs: Float64Array;
}

// Plain JavaScript so the worker needs no TypeScript loader.
const workerSource = `
const { parentPort, workerData: w } = require("node:worker_threads");
const dgram = require("node:dgram");
const { performance } = require("node:perf_hooks");
const queries = w.queries.map((q) => Buffer.from(q));
const socket = dgram.createSocket("udp4");
const sentAt = new Map();
const lat = [];
let seq = 0, answered = 0, errors = 0, lost = 0, total = 0;
const t0 = performance.now();
const from = t0 + w.warmupMs, to = from + w.durationMs;
let done = false;
function send() {
  const id = seq & 0xffff;
  const q = queries[seq % queries.length];
  seq++;
  q.writeUInt16BE(id, 0);
  sentAt.set(id, performance.now());
  socket.send(q);
}
socket.on("message", (msg) => {
  const now = performance.now();
  const id = msg.readUInt16BE(0);
  const at = sentAt.get(id);
  if (at === undefined) return;
  sentAt.delete(id);
  total++;
  if (now >= from && now < to) {
    answered++;
    lat.push(now - at);
    const rcode = msg[3] & 15;
    if (rcode !== 0 && rcode !== 3) errors++;
  }
  if (now >= to) return finish();
  send();
});
function finish() {
  if (done) return;
  done = true;
  clearInterval(sweep);
  socket.close();
  const l = Float64Array.from(lat);
  parentPort.postMessage({ answered, errors, lost, total, latencies: l }, [l.buffer]);
}
const sweep = setInterval(() => {
  const now = performance.now();
  if (now >= to + 1000) return finish();
  for (const [id, at] of sentAt) {
    if (now - at < 1000) continue;
    sentAt.delete(id);
    if (at >= from && at < to) lost++;
    if (now < to) send();
  }
}, 100);
socket.connect(w.port, w.host, () => {
  for (let i = 0; i < w.inFlight; i++) send();
});
`;

export async function generateLoad(o: LoadOptions): Promise<LoadResult> {
  const results = await Promise.all(
    Array.from(
      { length: o.workers },
      () =>
        new Promise<{
          answered: number;
          errors: number;
          lost: number;
          total: number;
          latencies: Float64Array;
        }>((resolve, reject) => {
          const worker = new Worker(workerSource, {
            eval: true,
            workerData: {
              host: o.host,
              port: o.port,
              queries: o.queries.map((q) => new Uint8Array(q)),
              inFlight: o.inFlightPerWorker,
              warmupMs: o.warmupMs,
              durationMs: o.durationMs,
            },
          });
          worker.once("message", (m) => {
            resolve(m);
            void worker.terminate();
          });
          worker.once("error", reject);
        }),
    ),
  );
  const all = new Float64Array(results.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of results) {
    all.set(r.latencies, at);
    at += r.latencies.length;
  }
  all.sort();
  return {
    answered: results.reduce((n, r) => n + r.answered, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    lost: results.reduce((n, r) => n + r.lost, 0),
    total: results.reduce((n, r) => n + r.total, 0),
    latenciesMs: all,
  };
}
