import assert from "node:assert/strict";
import { type ClientHttp2Session, connect, constants } from "node:http2";
import { request as http1Request } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { tempDir } from "../../../test/support/tempdir.ts";
import { type ClusterPki, ensurePki } from "../pki.ts";
import { type ApiListener, createApiListener } from "./listener.ts";
import type { ApiRequest } from "./sink.ts";

const dir = tempDir("skiff-listener-");
let pki: ClusterPki;
let listener: ApiListener;
let port = 0;
const seen: ApiRequest[] = [];
const upgrades: ApiRequest[] = [];

before(async () => {
  pki = await ensurePki(dir.path);
  listener = createApiListener({
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.ca.cert },
    onRequest(req, res) {
      seen.push(req);
      const url = new URL(req.url, "https://x");
      if (url.searchParams.has("watch")) {
        // A stream that never ends by itself, like a watch.
        res.writeHead(200, { "Content-Type": "application/json" });
        res.write('{"type":"ADDED"}\n');
        return;
      }
      const size = Number(url.searchParams.get("size") ?? 3);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write("[");
      res.end(`${"0".repeat(size - 2)}]`);
    },
    onUpgrade(req, res) {
      upgrades.push(req);
      res.writeHead(400, { "Content-Type": "text/plain" });
      res.end("no upgrades here");
    },
  });
  await new Promise<void>((resolve) => listener.server.listen(0, "127.0.0.1", resolve));
  port = (listener.server.address() as AddressInfo).port;
});

after(async () => {
  const closed = new Promise<void>((resolve) => listener.server.close(() => resolve()));
  listener.closeConnections();
  await closed;
  dir.remove();
});

function h2(): ClientHttp2Session {
  return connect(`https://127.0.0.1:${port}`, {
    ca: pki.ca.cert,
    cert: pki.admin.cert,
    key: pki.admin.key,
    servername: "localhost",
  });
}

function h2Get(session: ClientHttp2Session, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>(
    (resolve, reject) => {
      const stream = session.request({ ":path": path, ...headers });
      const chunks: Buffer[] = [];
      let head: Record<string, unknown> = {};
      stream.on("response", (h) => {
        head = h;
      });
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () =>
        resolve({
          status: Number(head[constants.HTTP2_HEADER_STATUS]),
          headers: head,
          body: Buffer.concat(chunks),
        }),
      );
      stream.on("error", reject);
      stream.end();
    },
  );
}

function http1Get(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer; alpn: string }>(
    (resolve, reject) => {
      const req = http1Request(
        {
          host: "127.0.0.1",
          port,
          path,
          headers,
          ca: pki.ca.cert,
          cert: pki.admin.cert,
          key: pki.admin.key,
          servername: "localhost",
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks),
              alpn: String((res.socket as { alpnProtocol?: string | false }).alpnProtocol),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end();
    },
  );
}

test("HTTP/1.1 clients are served as before, with their client certificate", async () => {
  const res = await http1Get("/api/v1/pods");
  assert.equal(res.status, 200);
  assert.equal(res.body.toString(), "[0]");
  const req = seen.at(-1);
  assert.equal(req?.url, "/api/v1/pods");
  assert.deepEqual(req?.peerCertificate, { commonName: "admin", organizations: ["system:masters"] });
});

test("HTTP/2: many requests share one connection beside open watches, with the client certificate", async () => {
  const session = h2();
  try {
    // More open streams than a browser's six HTTP/1.1 connections, then ordinary requests.
    const watches = Array.from({ length: 8 }, () => session.request({ ":path": "/api/v1/pods?watch=1" }));
    await Promise.all(watches.map((w) => new Promise((resolve) => w.once("data", resolve))));
    const lists = await Promise.all(
      Array.from({ length: 10 }, (_, i) => h2Get(session, `/api/v1/pods?i=${i}`)),
    );
    for (const l of lists) assert.equal(l.body.toString(), "[0]");
    for (const w of watches) w.close();
    const req = seen.at(-1);
    assert.ok(req);
    assert.equal(req.method, "GET");
    assert.deepEqual(req.peerCertificate, { commonName: "admin", organizations: ["system:masters"] });
    assert.equal(
      Object.keys(req.headers).some((h) => h.startsWith(":")),
      false,
      "no pseudo-headers in the chain's headers",
    );
    assert.match(String(req.headers.host), new RegExp(`:${port}$`), "Host from :authority");
  } finally {
    session.close();
  }
});

test("Upgrade requests stay on HTTP/1.1 and reach onUpgrade with the raw connection", async () => {
  const res = await http1Get("/api/v1/namespaces/a/pods/p/exec?command=sh", {
    Connection: "Upgrade",
    Upgrade: "SPDY/3.1",
  });
  assert.equal(res.status, 400);
  assert.equal(res.body.toString(), "no upgrades here");
  assert.ok(upgrades.at(-1)?.upgrade?.socket, "the raw socket is handed over");
  assert.equal(upgrades.at(-1)?.peerCertificate?.commonName, "admin");
});

test("large responses are gzipped for clients that ask, over both protocols; watches are not held", async () => {
  const size = 300 * 1024;
  const plain = await http1Get(`/api/v1/pods?size=${size}`);
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(plain.body.length, size);

  const zipped = await http1Get(`/api/v1/pods?size=${size}`, { "Accept-Encoding": "gzip" });
  assert.equal(zipped.headers["content-encoding"], "gzip");
  assert.equal(gunzipSync(zipped.body).length, size);

  const small = await http1Get("/api/v1/pods?size=2000", { "Accept-Encoding": "gzip" });
  assert.equal(small.headers["content-encoding"], undefined);
  assert.equal(small.headers["content-length"], "2000");

  const session = h2();
  try {
    const viaH2 = await h2Get(session, `/api/v1/pods?size=${size}`, {
      "accept-encoding": "gzip, deflate, br",
    });
    assert.equal(viaH2.headers["content-encoding"], "gzip");
    assert.equal(gunzipSync(viaH2.body).length, size);
    // A watch's first event arrives although the stream stays open (nothing waits for 128 KiB).
    const watch = session.request({ ":path": "/api/v1/pods?watch=1", "accept-encoding": "gzip" });
    const first = await new Promise<Buffer>((resolve) => watch.once("data", resolve));
    assert.equal(first.toString(), '{"type":"ADDED"}\n');
    watch.close();
  } finally {
    session.close();
  }
});
