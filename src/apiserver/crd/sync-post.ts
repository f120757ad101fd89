// A synchronous HTTPS POST for conversion webhooks: the Store's conversion hooks are synchronous,
// so a worker thread makes the request while the caller waits on a shared flag (the event loop is
// blocked for at most the webhook's timeout). The worker lives as long as the process needs it.
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

export interface SyncPostOptions {
  url: string;
  body: string;
  /** PEM CA bundle to verify the server with (default: the system's roots). */
  ca?: string;
  timeoutMs: number;
}

export type SyncPostResult = { ok: true; status: number; body: string } | { ok: false; error: string };

// Plain JavaScript (eval'd by the worker): posts, then hands the result back and wakes the caller.
const workerSource = `
const { parentPort } = require("node:worker_threads");
const https = require("node:https");
parentPort.on("message", ({ url, body, ca, timeoutMs, port, flag }) => {
  const done = (result) => {
    port.postMessage(result);
    port.close();
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  };
  const req = https.request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    ...(ca ? { ca } : {}),
    timeout: timeoutMs,
    agent: false,
  }, (res) => {
    const chunks = [];
    res.on("data", (c) => chunks.push(c));
    res.on("end", () => done({ ok: true, status: res.statusCode || 0, body: Buffer.concat(chunks).toString("utf8") }));
    res.on("error", (err) => done({ ok: false, error: err.message }));
  });
  req.on("timeout", () => req.destroy(new Error("context deadline exceeded")));
  req.on("error", (err) => done({ ok: false, error: err.message }));
  req.end(body);
});
`;

let worker: Worker | undefined;

function theWorker(): Worker {
  if (!worker) {
    worker = new Worker(workerSource, { eval: true });
    // An idle worker must not keep the process alive.
    worker.unref();
    worker.on("error", () => {
      worker = undefined;
    });
  }
  return worker;
}

export function postSync(o: SyncPostOptions): SyncPostResult {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  theWorker().postMessage({ url: o.url, body: o.body, ca: o.ca, timeoutMs: o.timeoutMs, port: port2, flag }, [
    port2,
  ]);
  // A little beyond the request's own timeout, so the worker's timeout answers first.
  const waited = Atomics.wait(flag, 0, 0, o.timeoutMs + 1000);
  const message = receiveMessageOnPort(port1)?.message as SyncPostResult | undefined;
  port1.close();
  if (waited === "timed-out" && !message) return { ok: false, error: "context deadline exceeded" };
  return message ?? { ok: false, error: "no answer from the conversion worker" };
}
