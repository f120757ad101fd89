// The HTTP/2 transport against a bare node:http2 server: requests and streams share one session,
// flow control carries bodies far larger than a window, a GOAWAY or a refused stream sends the
// request again on a fresh session, and close() leaves no session or stream open on either side.
import assert from "node:assert/strict";
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from "node:http2";
import { after, before, describe, it } from "node:test";
import { ensurePki } from "../../src/apiserver/pki.ts";
import { Http2Transport } from "../../src/client/http2-transport.ts";
import { readAll } from "../../src/client/transport.ts";
import { tempDir } from "../support/tempdir.ts";
import { eventually } from "./gated-transport.ts";

describe("HTTP/2 transport", () => {
  const dir = tempDir("skiff-h2-transport-");
  let server: Http2SecureServer;
  let url = "";
  let ca = "";
  const sessions = new Set<ServerHttp2Session>();
  let sessionsSeen = 0;
  const watches = new Set<ServerHttp2Stream>();
  let refuseNext = false;
  const big = "x".repeat(12 << 20);

  before(async () => {
    const pki = await ensurePki(dir.path);
    ca = pki.ca.cert;
    server = createSecureServer({ cert: pki.server.cert, key: pki.server.key });
    server.on("session", (s: ServerHttp2Session) => {
      sessions.add(s);
      sessionsSeen++;
      s.once("close", () => sessions.delete(s));
    });
    server.on("stream", (stream, headers) => {
      const path = String(headers[":path"]);
      // Closing a stream with an error code emits it on the server's side too.
      stream.on("error", () => {});
      if (refuseNext) {
        refuseNext = false;
        stream.close(constants.NGHTTP2_REFUSED_STREAM);
        return;
      }
      let body = "";
      stream.setEncoding("utf8");
      stream.on("data", (c: string) => {
        body += c;
      });
      stream.on("end", () => {
        if (path === "/watch") {
          watches.add(stream);
          stream.once("close", () => watches.delete(stream));
          stream.respond({ ":status": 200, "content-type": "application/json" });
          stream.write('{"n":1}\n');
          return;
        }
        if (path === "/big") {
          stream.respond({ ":status": 200 });
          stream.end(big);
          return;
        }
        stream.respond({ ":status": path === "/missing" ? 404 : 200, "x-echo": "yes" });
        stream.end(
          JSON.stringify({
            method: headers[":method"],
            path,
            body,
            ua: headers["user-agent"],
            auth: headers.authorization ?? "",
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    url = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  after(async () => {
    for (const s of sessions) s.destroy();
    await new Promise((r) => server.close(r));
    dir.remove();
  });

  const transport = () =>
    new Http2Transport({
      connection: { server: url, namespace: "default", ca, token: "t0k" },
      userAgent: "ua-1",
    });

  it("sends requests with headers and bodies, many at once on one session", async () => {
    const t = transport();
    const before = sessionsSeen;
    try {
      const replies = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          t.request({ method: "PUT", path: `/o/${i}`, body: `{"i":${i}}` }),
        ),
      );
      for (const [i, r] of replies.entries()) {
        assert.equal(r.status, 200);
        assert.equal(r.headers["x-echo"], "yes");
        assert.equal(r.headers[":status"], undefined, "no pseudo-headers");
        assert.deepEqual(JSON.parse(r.body), {
          method: "PUT",
          path: `/o/${i}`,
          body: `{"i":${i}}`,
          ua: "ua-1",
          auth: "Bearer t0k",
        });
      }
      assert.equal((await t.request({ method: "GET", path: "/missing" })).status, 404);
      assert.equal(sessionsSeen - before, 1, "one TLS session for all of them");
    } finally {
      t.close();
    }
  });

  it("receives a body many times the flow-control window", async () => {
    const t = transport();
    try {
      const r = await t.request({ method: "GET", path: "/big" });
      assert.equal(r.body.length, big.length);
    } finally {
      t.close();
    }
  });

  it("streams chunks as they arrive and cancels a stream on the server too", async () => {
    const t = transport();
    try {
      const s = await t.stream({ method: "GET", path: "/watch" });
      assert.equal(s.status, 200);
      const chunks: string[] = [];
      s.onChunk((c) => chunks.push(c));
      await eventually(() => assert.deepEqual(chunks, ['{"n":1}\n']));
      const [w] = watches;
      w?.write('{"n":2}\n');
      await eventually(() => assert.equal(chunks.join(""), '{"n":1}\n{"n":2}\n'));
      s.cancel();
      await s.done;
      await eventually(() => assert.equal(watches.size, 0, "server side stream closed"));
    } finally {
      t.close();
    }
  });

  it("moves to a new session after a GOAWAY; the old one's open stream finishes", async () => {
    const t = transport();
    try {
      const s = await t.stream({ method: "GET", path: "/watch" });
      const body = readAll(s);
      const [old] = sessions;
      assert.ok(old);
      old.goaway(constants.NGHTTP2_NO_ERROR);
      await eventually(async () => {
        const r = await t.request({ method: "GET", path: "/after-goaway" });
        assert.equal(r.status, 200);
      });
      assert.equal(t.openSessions, 1);
      for (const w of watches) w.end('{"n":3}\n');
      assert.equal(await body, '{"n":1}\n{"n":3}\n');
    } finally {
      t.close();
    }
  });

  it("sends a stream the server refused unprocessed once more", async () => {
    const t = transport();
    try {
      refuseNext = true;
      const r = await t.request({ method: "POST", path: "/refused", body: "{}" });
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.body).path, "/refused");
      assert.equal(refuseNext, false);
    } finally {
      t.close();
    }
  });

  it("close() ends open streams and sessions on both sides, and refuses new requests", async () => {
    const t = transport();
    const s = await t.stream({ method: "GET", path: "/watch" });
    assert.equal(watches.size, 1);
    t.close();
    await s.done;
    assert.equal(t.openSessions, 0);
    await eventually(() => {
      assert.equal(watches.size, 0);
      assert.equal(sessions.size, 0);
    });
    await assert.rejects(t.request({ method: "GET", path: "/x" }), /transport closed/);
  });
});
