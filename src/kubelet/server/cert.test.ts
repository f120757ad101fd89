import assert from "node:assert/strict";
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { connect, createServer } from "node:tls";
import { createServingCert } from "./cert.ts";

test("the serving certificate parses, is self-signed, names the node and serves TLS", async () => {
  const pair = createServingCert("node-a", ["10.0.0.7", "127.0.0.1", "node-a.example"]);
  const cert = new X509Certificate(pair.cert);
  assert.match(cert.subject, /^CN=node-a@\d+$/);
  assert.equal(cert.issuer, cert.subject);
  assert.equal(
    cert.subjectAltName,
    "DNS:node-a, DNS:node-a.example, IP Address:10.0.0.7, IP Address:127.0.0.1",
  );
  assert.equal(cert.ca, false);
  assert.deepEqual(cert.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  assert.ok(cert.verify(cert.publicKey), "signed by its own key");
  assert.ok(cert.checkPrivateKey(createPrivateKey(pair.key)));
  const year = 365 * 24 * 3600 * 1000;
  assert.ok(Math.abs(Date.parse(cert.validTo) - Date.parse(cert.validFrom) - year - 60_000) < 2000);

  const server = createServer({ cert: pair.cert, key: pair.key }, (s) => s.end("hello"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const { port } = server.address() as AddressInfo;
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect({ host: "127.0.0.1", port, ca: pair.cert }, () => undefined);
      let data = "";
      s.on("data", (d: Buffer) => {
        data += d.toString();
      });
      s.on("end", () => resolve(data));
      s.on("error", reject);
    });
    assert.equal(got, "hello", "a client trusting the certificate verifies 127.0.0.1 against it");
  } finally {
    server.close();
  }
});
