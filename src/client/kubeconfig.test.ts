import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { KubeconfigError, loadKubeconfig, parseKubeconfig } from "./kubeconfig.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

it("reads the current context with inline data", () => {
  const text = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://127.0.0.1:6443/
    certificate-authority-data: ${b64("CA PEM")}
users:
- name: u
  user:
    client-certificate-data: ${b64("CERT")}
    client-key-data: ${b64("KEY")}
contexts:
- name: ctx
  context: {cluster: c, user: u, namespace: team}
current-context: ctx
`;
  assert.deepEqual(parseKubeconfig(text, "/x/config"), {
    server: "https://127.0.0.1:6443",
    namespace: "team",
    ca: "CA PEM",
    cert: "CERT",
    key: "KEY",
  });
});

it("reads files relative to the kubeconfig, tokens, and a chosen context", () => {
  const dir = mkdtempSync(join(tmpdir(), "kubeconfig-"));
  try {
    writeFileSync(join(dir, "ca.crt"), "FILE CA");
    writeFileSync(join(dir, "token"), "tok-from-file\n");
    const file = join(dir, "config");
    writeFileSync(
      file,
      `clusters:
- {name: c, cluster: {server: "https://h:1", certificate-authority: ca.crt}}
- {name: insecure, cluster: {server: "https://h:2", insecure-skip-tls-verify: true}}
users:
- {name: t, user: {token: abc}}
- {name: f, user: {tokenFile: token}}
contexts:
- {name: one, context: {cluster: c, user: t}}
- {name: two, context: {cluster: insecure, user: f}}
current-context: one
`,
    );
    assert.deepEqual(loadKubeconfig(file), {
      server: "https://h:1",
      namespace: "default",
      ca: "FILE CA",
      token: "abc",
    });
    assert.deepEqual(loadKubeconfig(file, "two"), {
      server: "https://h:2",
      namespace: "default",
      token: "tok-from-file",
      insecureSkipTlsVerify: true,
    });
    assert.throws(() => loadKubeconfig(file, "three"), KubeconfigError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
