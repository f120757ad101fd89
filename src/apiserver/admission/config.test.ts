import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { AdmissionConfigError, loadAdmissionConfig } from "./config.ts";

function write(text: string): { path: string; dir: string; remove(): void } {
  const dir = tempDir("skiff-admission-config-");
  const path = join(dir.path, "admission.yaml");
  writeFileSync(path, text.replaceAll("DIR", dir.path));
  writeFileSync(
    join(dir.path, "webhooks.kubeconfig"),
    "apiVersion: v1\nkind: Config\nusers:\n- name: hooks.example.com\n  user: {token: t0ken}\n",
  );
  return { path, dir: dir.path, remove: () => dir.remove() };
}

test("inline PodSecurity defaults and exemptions, and the webhooks' kubeconfig", () => {
  const f = write(`apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: PodSecurity
  configuration:
    apiVersion: pod-security.admission.config.k8s.io/v1
    kind: PodSecurityConfiguration
    defaults: {enforce: restricted, enforce-version: v1.25, warn: baseline}
    exemptions: {namespaces: [kube-system], usernames: [ci]}
- name: ValidatingAdmissionWebhook
  configuration:
    apiVersion: apiserver.config.k8s.io/v1
    kind: WebhookAdmissionConfiguration
    kubeConfigFile: DIR/webhooks.kubeconfig
`);
  try {
    const c = loadAdmissionConfig(f.path);
    assert.deepEqual(c.podSecurity?.defaults, {
      enforce: "restricted",
      enforceVersion: "v1.25",
      audit: "privileged",
      auditVersion: "latest",
      warn: "baseline",
      warnVersion: "latest",
    });
    assert.deepEqual(c.podSecurity?.exemptions, {
      namespaces: ["kube-system"],
      usernames: ["ci"],
      runtimeClasses: [],
    });
    assert.equal(c.webhookKubeConfigFile, join(f.dir, "webhooks.kubeconfig"));
    assert.deepEqual(c.webhookCredentials?.("hooks.example.com:443"), { token: "t0ken" });
  } finally {
    f.remove();
  }
});

test("wrong kinds, levels and relative kubeconfig paths are refused with the field", () => {
  const cases: [string, RegExp][] = [
    ["apiVersion: v1\nkind: ConfigMap\n", /want AdmissionConfiguration/],
    [
      "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: PodSecurity\n  configuration: {apiVersion: pod-security.admission.config.k8s.io/v1, kind: PodSecurityConfiguration, defaults: {enforce: strict}}\n",
      /defaults.enforce: Invalid value: "strict"/,
    ],
    [
      "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n- name: MutatingAdmissionWebhook\n  configuration: {apiVersion: apiserver.config.k8s.io/v1, kind: WebhookAdmissionConfiguration, kubeConfigFile: rel.yaml}\n",
      /must be an absolute path/,
    ],
  ];
  for (const [text, want] of cases) {
    const f = write(text);
    try {
      assert.throws(
        () => loadAdmissionConfig(f.path),
        (e: unknown) => e instanceof AdmissionConfigError && want.test(e.message),
      );
    } finally {
      f.remove();
    }
  }
});
