import assert from "node:assert/strict";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { createServingCert } from "../server/cert.ts";
import { discoverCluster } from "./discovery.ts";
import { caCertHash, JoinTrustError } from "./trust.ts";

// A cluster-info publisher that never signs and answers 401 to every bearer token (a server
// where the token is unknown or expired); it counts the cluster-info reads.
const tls = createServingCert("discovery-test", ["127.0.0.1"]);
let server: Server;
let url = "";
let reads = 0;
let sawBearer = false;

before(async () => {
  const kubeconfig = `apiVersion: v1\nkind: Config\nclusters:\n- name: ""\n  cluster:\n    certificate-authority-data: ${Buffer.from(tls.cert).toString("base64")}\n    server: https://127.0.0.1\n`;
  server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    if (req.headers.authorization) {
      sawBearer = true;
      res.writeHead(401, { "content-type": "application/json" }).end("{}");
      return;
    }
    reads += 1;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "ConfigMap", data: { kubeconfig } }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const token = { id: "abcdef", secret: "0123456789abcdef" };
const unsigned = /carries no signature for token id abcdef: the token is unknown, expired/;

test("with a matching pin, a token the server refuses fails after one cluster-info read", async () => {
  reads = 0;
  sawBearer = false;
  await assert.rejects(
    discoverCluster({ server: url, token, caCertHashes: [caCertHash(tls.cert)], signatureWaitMs: 60_000 }),
    (err: unknown) => err instanceof JoinTrustError && unsigned.test(err.message),
  );
  assert.equal(sawBearer, true);
  assert.equal(reads, 1);
});

test("with a pin that does not match, the secret is never sent and the wait runs out", async () => {
  reads = 0;
  sawBearer = false;
  await assert.rejects(
    discoverCluster({ server: url, token, caCertHashes: [`sha256:${"0".repeat(64)}`], signatureWaitMs: 600 }),
    (err: unknown) => err instanceof JoinTrustError && unsigned.test(err.message),
  );
  assert.equal(sawBearer, false);
  assert.ok(reads >= 2, `read ${reads} times`);
});

test("without a pin, the secret is never sent", async () => {
  sawBearer = false;
  await assert.rejects(
    discoverCluster({ server: url, token, signatureWaitMs: 600 }),
    (err: unknown) => err instanceof JoinTrustError && unsigned.test(err.message),
  );
  assert.equal(sawBearer, false);
});
