import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWebhookKubeconfig, WebhookKubeconfigError } from "./credentials.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

const kubeconfig = `apiVersion: v1
kind: Config
users:
- name: hook.example.com:8443
  user: {token: exact}
- name: "*.example.com"
  user: {token: star}
- name: webhook.hooks.svc
  user: {client-certificate-data: ${b64("CERT")}, client-key-data: ${b64("KEY")}}
- name: "*"
  user: {token: default}
`;

test("users are looked up by host as upstream: exact, *.parent, without :443, then *", () => {
  const r = parseWebhookKubeconfig(kubeconfig, "/tmp/x");
  assert.deepEqual(r("hook.example.com:8443"), { token: "exact" });
  assert.deepEqual(r("other.example.com"), { token: "star" });
  assert.deepEqual(r("other.example.com:443"), { token: "star" });
  // As upstream, a port other than 443 is part of the name: *.example.com does not cover it.
  assert.deepEqual(r("other.example.com:9000"), { token: "default" });
  assert.deepEqual(r("webhook.hooks.svc:443"), { cert: "CERT", key: "KEY" });
  assert.deepEqual(r("webhook.hooks.svc:8443"), { token: "default" });
  assert.deepEqual(r("elsewhere.org"), { token: "default" });
});

test("no match and no default: no credentials; the current context's user otherwise", () => {
  const none = parseWebhookKubeconfig("users:\n- name: a.b\n  user: {token: x}\n", "/tmp/x");
  assert.equal(none("c.d:443"), undefined);
  const ctx = parseWebhookKubeconfig(
    "users:\n- name: me\n  user: {token: mine}\ncontexts:\n- name: c\n  context: {user: me}\ncurrent-context: c\n",
    "/tmp/x",
  );
  assert.deepEqual(ctx("c.d:443"), { token: "mine" });
});

test("basic auth and half a key pair are refused", () => {
  assert.throws(
    () => parseWebhookKubeconfig("users:\n- name: a\n  user: {username: u, password: p}\n", "/tmp/x"),
    WebhookKubeconfigError,
  );
  assert.throws(
    () =>
      parseWebhookKubeconfig(`users:\n- name: a\n  user: {client-certificate-data: ${b64("C")}}\n`, "/tmp/x"),
    WebhookKubeconfigError,
  );
});
