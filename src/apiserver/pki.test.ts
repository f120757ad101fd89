import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { tempDir } from "../../test/support/tempdir.ts";
import { adminKubeconfig, ensurePki } from "./pki.ts";

test("creates a CA, serving and admin certs once and reuses them", async () => {
  const dir = tempDir();
  try {
    const first = await ensurePki(dir.path, { tlsSans: ["skiff.example", "10.1.2.3"] });
    const ca = new X509Certificate(first.ca.cert);
    const server = new X509Certificate(first.server.cert);
    const admin = new X509Certificate(first.admin.cert);
    assert.ok(server.verify(ca.publicKey));
    assert.ok(admin.verify(ca.publicKey));
    assert.match(server.subjectAltName ?? "", /DNS:skiff\.example/);
    assert.match(server.subjectAltName ?? "", /IP Address:10\.1\.2\.3/);
    assert.match(server.subjectAltName ?? "", /IP Address:127\.0\.0\.1/);
    assert.match(admin.subject, /CN=admin/);
    assert.match(admin.subject, /O=system:masters/);
    const second = await ensurePki(dir.path, { tlsSans: ["skiff.example", "10.1.2.3"] });
    assert.equal(second.ca.cert, first.ca.cert);
    assert.equal(second.server.cert, first.server.cert);
    const third = await ensurePki(dir.path, { tlsSans: ["other.example"] });
    assert.equal(third.ca.cert, first.ca.cert);
    assert.notEqual(third.server.cert, first.server.cert);
    assert.match(adminKubeconfig("https://127.0.0.1:6443", first), /client-key-data: /);
  } finally {
    dir.remove();
  }
});
