import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { test } from "node:test";
import * as x509 from "@peculiar/x509";
import { nodeKeyAndRequest } from "./csr.ts";

test("the node's request names system:node:<name> in system:nodes, is self-signed, and matches its key", async () => {
  const { key, request } = await nodeKeyAndRequest("skj-node-a");
  const csr = new x509.Pkcs10CertificateRequest(request);
  assert.equal(await csr.verify(), true);
  const name = new x509.Name(csr.subject);
  assert.deepEqual(name.getField("CN"), ["system:node:skj-node-a"]);
  assert.deepEqual(name.getField("O"), ["system:nodes"]);
  const priv = createPrivateKey(key);
  assert.equal(priv.asymmetricKeyType, "ec");
  const pubFromKey = createPublicKey(priv).export({ type: "spki", format: "der" });
  assert.deepEqual(Buffer.from(csr.publicKey.rawData), pubFromKey);
});
