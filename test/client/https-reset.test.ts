// The HTTPS transport against a server that closes a kept-alive connection under a request (what
// happens when a request is written just as the server's keepAliveTimeout fires): the request is
// sent once more on a fresh connection instead of failing with ECONNRESET.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { ensurePki } from "../../src/apiserver/pki.ts";
import { HttpsTransport } from "../../src/client/https-transport.ts";
import { tempDir } from "../support/tempdir.ts";

describe("HTTPS transport on a reset keep-alive connection", () => {
  const dir = tempDir("skiff-https-reset-");
  let server: Server;
  let url = "";
  let ca = "";
  const sockets = new Map<Socket, number>();
  let resetNext = false;
  before(async () => {
    const pki = await ensurePki(dir.path);
    ca = pki.ca.cert;
    server = createServer({ cert: pki.server.cert, key: pki.server.key }, (req, res) => {
      const n = (sockets.get(req.socket) ?? 0) + 1;
      sockets.set(req.socket, n);
      if (resetNext && n > 1) {
        resetNext = false;
        req.socket.destroy();
        return;
      }
      req.resume();
      req.on("end", () => res.end(`request ${n} on this socket`));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const address = server.address();
    url = `https://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    dir.remove();
  });

  it("retries once on a fresh socket when the reused one is reset before any response", async () => {
    const transport = new HttpsTransport({ connection: { server: url, namespace: "default", ca } });
    try {
      const first = await transport.request({ method: "GET", path: "/a" });
      assert.equal(first.body, "request 1 on this socket");
      resetNext = true;
      const second = await transport.request({ method: "POST", path: "/b", body: "{}" });
      assert.equal(second.status, 200);
      // The reset socket had served one request; the retry is the first on a new connection.
      assert.equal(second.body, "request 1 on this socket");
      assert.equal(sockets.size, 2);
    } finally {
      transport.close();
    }
  });
});
