import assert from "node:assert/strict";
import { test } from "node:test";
import { gunzipSync } from "node:zlib";
import { acceptsGzip, compressLarge, mayCompress } from "./gzip.ts";
import type { ApiRequest, ResponseSink } from "./sink.ts";

/** A sink that records what reaches the connection. */
function recorder() {
  const chunks: Buffer[] = [];
  let head: { status: number; headers: Record<string, string> } | undefined;
  let ended = false;
  let flushedBeforeEnd = 0;
  const sink: ResponseSink = {
    get headersSent() {
      return head !== undefined;
    },
    closed: false,
    writeHead(status, headers) {
      head = { status, headers };
    },
    write(chunk) {
      chunks.push(Buffer.from(chunk));
      flushedBeforeEnd++;
    },
    end(chunk) {
      if (chunk !== undefined) chunks.push(Buffer.from(chunk));
      ended = true;
    },
    onClose() {},
  };
  return {
    sink,
    head: () => head,
    body: () => Buffer.concat(chunks),
    ended: () => ended,
    writes: () => flushedBeforeEnd,
  };
}

const waitEnded = async (r: { ended(): boolean }) => {
  while (!r.ended()) await new Promise((resolve) => setImmediate(resolve));
};

test("acceptsGzip reads Accept-Encoding as browsers and Go send it, honouring q=0", () => {
  assert.equal(acceptsGzip("gzip"), true);
  assert.equal(acceptsGzip("gzip, deflate, br, zstd"), true);
  assert.equal(acceptsGzip("br;q=1.0, GZIP;q=0.5"), true);
  assert.equal(acceptsGzip("*"), true);
  assert.equal(acceptsGzip("gzip;q=0"), false);
  assert.equal(acceptsGzip("identity"), false);
  assert.equal(acceptsGzip(""), false);
});

test("mayCompress: lists and gets yes; watches, logs, exec, proxies, upgrades and HEAD no", () => {
  const req = (url: string, extra: Partial<ApiRequest> = {}): ApiRequest => ({
    method: "GET",
    url,
    headers: { "accept-encoding": "gzip" },
    body: [],
    ...extra,
  });
  assert.equal(mayCompress(req("/api/v1/pods")), true);
  assert.equal(mayCompress(req("/apis/apps/v1/namespaces/a/deployments?limit=500")), true);
  assert.equal(mayCompress(req("/openapi/v2")), true);
  assert.equal(mayCompress(req("/api/v1/pods?watch=1")), false);
  assert.equal(mayCompress(req("/api/v1/pods?watch=true&resourceVersion=5")), false);
  assert.equal(mayCompress(req("/api/v1/watch/namespaces/a/pods")), false);
  assert.equal(mayCompress(req("/api/v1/namespaces/a/pods/p/log?follow=true")), false);
  assert.equal(mayCompress(req("/api/v1/namespaces/a/pods/p/exec?command=sh")), false);
  assert.equal(mayCompress(req("/api/v1/namespaces/a/services/s/proxy/x")), false);
  assert.equal(mayCompress(req("/api/v1/pods", { method: "HEAD" })), false);
  assert.equal(mayCompress(req("/api/v1/pods", { headers: {} })), false);
});

test("a streamed body under the threshold goes out whole and uncompressed, with its length", () => {
  const r = recorder();
  const res = compressLarge(r.sink, 1000);
  res.writeHead(200, { "Content-Type": "application/json" });
  assert.equal(res.headersSent, true);
  res.write("[1,");
  res.write(new TextEncoder().encode("2,"));
  assert.equal(r.head(), undefined, "held until the size is known");
  res.end("3]");
  assert.deepEqual(r.head(), {
    status: 200,
    headers: { "Content-Type": "application/json", "Content-Length": "7" },
  });
  assert.equal(r.body().toString(), "[1,2,3]");
});

test("a streamed body past the threshold is gzipped from its first byte", async () => {
  const r = recorder();
  const res = compressLarge(r.sink, 1000);
  res.writeHead(200, { "Content-Type": "application/json" });
  const parts = Array.from({ length: 50 }, (_, i) => `{"item":${i},"pad":"${"x".repeat(40)}"},`);
  for (const p of parts) res.write(p);
  res.end("null");
  await waitEnded(r);
  assert.equal(r.head()?.headers["Content-Encoding"], "gzip");
  assert.equal(r.head()?.headers.Vary, "Accept-Encoding");
  assert.equal(r.head()?.headers["Content-Length"], undefined);
  assert.equal(gunzipSync(r.body()).toString(), `${parts.join("")}null`);
  assert.ok(r.body().length < 1000, `${r.body().length} bytes compressed`);
});

test("a whole body with a large Content-Length is gzipped; a small one, an error or an encoded one is not", async () => {
  const big = "y".repeat(5000);
  const r = recorder();
  const res = compressLarge(r.sink, 1000);
  res.writeHead(200, { "content-type": "application/json", "content-length": "5000" });
  res.end(big);
  await waitEnded(r);
  assert.equal(r.head()?.headers["content-length"], undefined);
  assert.equal(gunzipSync(r.body()).toString(), big);

  for (const [status, headers] of [
    [200, { "Content-Length": "10" }],
    [404, {}],
    [304, {}],
    [200, { "Content-Encoding": "gzip" }],
  ] as const) {
    const s = recorder();
    const out = compressLarge(s.sink, 1000);
    out.writeHead(status, { ...headers });
    assert.deepEqual(s.head(), { status, headers }, "passed through at once");
    out.write(big);
    out.end();
    assert.equal(s.body().toString(), big);
  }
});
