import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadKubeconfig } from "../../client/kubeconfig.ts";
import {
  certificateSubjectName,
  lifetimeUsed,
  nodeKubeconfigPath,
  writeNodeKubeconfig,
} from "./kubeconfig.ts";

function cert(dir: string, subject: string, days: number): { cert: string; key: string } {
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      join(dir, "k"),
      "-out",
      join(dir, "c"),
      "-subj",
      subject,
      "-days",
      String(days),
    ],
    { stdio: "ignore" },
  );
  return { cert: readFileSync(join(dir, "c"), "utf8"), key: readFileSync(join(dir, "k"), "utf8") };
}

test("the node kubeconfig round-trips through the client's loader and is private", () => {
  const dir = mkdtempSync(join(tmpdir(), "skj-kc-"));
  try {
    const c = cert(dir, "/O=system:nodes/CN=system:node:n1", 10);
    writeNodeKubeconfig(dir, { server: "https://10.0.0.1:6443", ca: c.cert, ...c }, "n1");
    const file = nodeKubeconfigPath(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const conn = loadKubeconfig(file);
    assert.equal(conn.server, "https://10.0.0.1:6443");
    assert.equal(conn.cert, c.cert);
    assert.equal(conn.key, c.key);
    assert.equal(conn.ca, c.cert);
    assert.equal(certificateSubjectName(c.cert), "system:node:n1");
    const used = lifetimeUsed(c.cert);
    assert.ok(used >= 0 && used < 0.01, `a fresh certificate has used almost none of its lifetime: ${used}`);
    assert.ok(lifetimeUsed(c.cert, new Date(Date.now() + 9.5 * 86_400_000)) > 0.9);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
