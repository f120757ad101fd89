// PodSecurity admission through kubectl 1.32: enforce refuses with Kubernetes' message, warn
// prints kubectl's "Warning:" lines, workload templates only warn, and relabelling a namespace
// warns about the pods already in it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer({ apiOnly: true });

before(async () => {
  await server.start();
});
after(async () => {
  await server.stop();
});

async function ok(args: string[], input?: string) {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r;
}

const restrictedReasons =
  'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), ' +
  'unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), ' +
  'runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), ' +
  'seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

const namespace = (name: string, labels: Record<string, string>) =>
  JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name, labels } });

const pod = (name: string, ns: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: "c", image: "nginx" }], ...extra },
  });

test("restricted enforce refuses a plain pod with Kubernetes' message and admits a compliant one", async () => {
  await ok(["apply", "-f", "-"], namespace("strict", { "pod-security.kubernetes.io/enforce": "restricted" }));
  const r = await server.kubectl(["apply", "-f", "-"], { input: pod("plain", "strict") });
  assert.notEqual(r.code, 0);
  assert.equal(
    r.stderr.trim(),
    `Error from server (Forbidden): error when creating "STDIN": pods "plain" is forbidden: violates PodSecurity "restricted:latest": ${restrictedReasons}`,
  );
  await ok(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "good", namespace: "strict" },
      spec: {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "c",
            image: "nginx",
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
          },
        ],
      },
    }),
  );
});

test("baseline warn admits a hostNetwork pod and kubectl prints the warning", async () => {
  await ok(["apply", "-f", "-"], namespace("warned", { "pod-security.kubernetes.io/warn": "baseline" }));
  const r = await ok(["apply", "-f", "-"], pod("hosty", "warned", { hostNetwork: true }));
  assert.match(r.stdout, /pod\/hosty created/);
  assert.equal(
    r.stderr.trim(),
    'Warning: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)',
  );
});

test("a Deployment in an enforcing namespace is created with a warning", async () => {
  const r = await ok(["create", "deployment", "web", "-n", "strict", "--image", "nginx"]);
  assert.match(
    r.stderr,
    /^Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "nginx" must set/m,
  );
});

test("enforcing on a namespace warns about the pods it already holds", async () => {
  await ok(["create", "namespace", "relabel"]);
  await ok(["apply", "-f", "-"], pod("old1", "relabel"));
  await ok(["apply", "-f", "-"], pod("old2", "relabel"));
  const r = await ok(["label", "namespace", "relabel", "pod-security.kubernetes.io/enforce=restricted"]);
  assert.equal(
    r.stderr.trim(),
    [
      'Warning: existing pods in namespace "relabel" violate the new PodSecurity enforce level "restricted:latest"',
      "Warning: old1 (and 1 other pods): allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
    ].join("\n"),
  );
  assert.match(r.stdout, /namespace\/relabel labeled/);
});
