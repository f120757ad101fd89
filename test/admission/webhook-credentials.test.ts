// Webhook client credentials: `skiff server --admission-control-config-file` with a
// WebhookAdmissionConfiguration kubeConfigFile whose users are named by webhook host. A webhook that
// requires a client certificate gets the configured one, another gets its bearer token, and one
// the kubeconfig has no user for is called without credentials (its TLS handshake then fails).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";
import { WebhookServer } from "./webhook-server.ts";

const deny = (message: string) => () => ({ allowed: false, status: { message } });
const mtls = new WebhookServer(
  { "/check": deny("checked by the mTLS webhook") },
  { requireClientCert: true },
);
const stranger = new WebhookServer({ "/check": deny("never reached") }, { requireClientCert: true });
const bearer = new WebhookServer({ "/check": () => ({ allowed: true }) });
const dir = tempDir("skiff-webhook-creds-");
const server = new SkiffServer({ apiOnly: true });

before(async () => {
  await Promise.all([mtls.start(), stranger.start(), bearer.start()]);
  const cert = mtls.clientCert;
  if (!cert) throw new Error("webhook server without a client certificate");
  writeFileSync(join(dir.path, "apiserver-client.crt"), cert.cert);
  writeFileSync(join(dir.path, "apiserver-client.key"), cert.key);
  writeFileSync(join(dir.path, "hook-token"), "s3cret-hook-token\n");
  // Users named host:port as upstream looks them up; file paths relative to the kubeconfig.
  const kubeconfig = join(dir.path, "webhooks.kubeconfig");
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
users:
- name: 127.0.0.1:${mtls.port}
  user:
    client-certificate: apiserver-client.crt
    client-key: apiserver-client.key
- name: 127.0.0.1:${bearer.port}
  user:
    tokenFile: hook-token
`,
  );
  const config = join(dir.path, "admission.yaml");
  writeFileSync(
    config,
    `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: ValidatingAdmissionWebhook
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: WebhookAdmissionConfiguration
    kubeConfigFile: ${kubeconfig}
- name: MutatingAdmissionWebhook
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: WebhookAdmissionConfiguration
    kubeConfigFile: ${kubeconfig}
`,
  );
  await server.start(["--admission-control-config-file", config]);
});
after(async () => {
  await server.stop();
  await Promise.all([mtls.stop(), stranger.stop(), bearer.stop()]);
  dir.remove();
});

async function ok(args: string[], input?: string) {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r;
}

function configuration(name: string, hooks: WebhookServer, resource: string) {
  return JSON.stringify({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: { name },
    webhooks: [
      {
        name: `${name}.example.com`,
        clientConfig: { url: hooks.url("/check"), caBundle: hooks.caBundle },
        rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: [resource] }],
        sideEffects: "None",
        admissionReviewVersions: ["v1"],
        failurePolicy: "Fail",
      },
    ],
  });
}

test("a webhook requiring a client certificate is called with the configured one", async () => {
  await ok(["apply", "-f", "-"], configuration("mtls", mtls, "configmaps"));
  const r = await server.kubectl(["create", "configmap", "c1", "--from-literal=a=b"]);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /admission webhook "mtls.example.com" denied the request: checked by the mTLS webhook/,
  );
  assert.equal(mtls.seen.at(-1)?.clientCn, "kube-apiserver-kubelet-client");
  await ok(["delete", "validatingwebhookconfiguration", "mtls"]);
});

test("a webhook host with a token user gets it as a bearer token", async () => {
  await ok(["apply", "-f", "-"], configuration("bearer", bearer, "secrets"));
  await ok(["create", "secret", "generic", "s1", "--from-literal=a=b"]);
  const seen = bearer.seen.at(-1);
  assert.equal(seen?.authorization, "Bearer s3cret-hook-token");
  assert.equal(seen?.clientCn, undefined);
  await ok(["delete", "validatingwebhookconfiguration", "bearer"]);
});

test("a host without a user gets no credentials: a webhook requiring a certificate cannot be called", async () => {
  await ok(["apply", "-f", "-"], configuration("stranger", stranger, "services"));
  const r = await server.kubectl(["create", "service", "clusterip", "s1", "--tcp=80:80"]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /failed calling webhook "stranger.example.com"/);
  assert.equal(stranger.seen.length, 0);
  await ok(["delete", "validatingwebhookconfiguration", "stranger"]);
});
