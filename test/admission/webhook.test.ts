// Admission webhooks end to end: a real HTTPS webhook (own CA) on loopback, configured with
// kubectl 1.32, mutating with JSONPatch, denying, failing (Fail/Ignore), timing out, matching
// selectors, seeing dry runs, and reached through a Service's EndpointSlice.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { patchResponse, WebhookServer } from "./webhook-server.ts";

const server = new SkiffServer({ apiOnly: true });
const hooks = new WebhookServer({
  "/mutate": (req) =>
    patchResponse(
      [
        {
          op: "add",
          path: "/metadata/labels",
          value: { ...(req.object.metadata.labels ?? {}), mutated: "yes" },
        },
      ],
      {
        warnings: ["mutated by the test webhook"],
      },
    ),
  "/second": (req) =>
    patchResponse([
      {
        op: "add",
        path: "/metadata/annotations",
        value: { seen: req.object.metadata.labels?.mutated ?? "no" },
      },
    ]),
  "/deny": (req) =>
    req.object?.metadata?.labels?.deny === "true"
      ? {
          allowed: false,
          status: { code: 403, reason: "Forbidden", message: `pod ${req.name} is not welcome` },
        }
      : { allowed: true },
  "/slow": async () => {
    await hooks.sleep(3000);
    return { allowed: true };
  },
  "/service": () => ({ allowed: false, status: { message: "reached through the service" } }),
});

before(async () => {
  await hooks.start();
  await server.start();
});
after(async () => {
  await server.stop();
  await hooks.stop();
});

async function ok(args: string[], input?: string) {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r;
}

function webhook(name: string, path: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    clientConfig: { url: hooks.url(path), caBundle: hooks.caBundle },
    rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
    sideEffects: "None",
    admissionReviewVersions: ["v1"],
    ...extra,
  };
}

function configuration(kind: "Mutating" | "Validating", name: string, webhooks: unknown[]) {
  return JSON.stringify({
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: `${kind}WebhookConfiguration`,
    metadata: { name },
    webhooks,
  });
}

test("webhook configurations validate, default and print like Kubernetes", async () => {
  const bad = await server.kubectl(["apply", "-f", "-"], {
    input: configuration("Validating", "bad", [
      { ...webhook("short", "/deny"), clientConfig: { url: "http://127.0.0.1/x" }, timeoutSeconds: 31 },
    ]),
  });
  assert.notEqual(bad.code, 0);
  assert.match(
    bad.stderr,
    /webhooks\[0\]\.name: Invalid value: "short": should be a domain with at least three segments separated by dots/,
  );
  assert.match(
    bad.stderr,
    /webhooks\[0\]\.timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds/,
  );
  assert.match(
    bad.stderr,
    /webhooks\[0\]\.clientConfig\.url: Invalid value: "http": 'https' is the only allowed URL scheme/,
  );
  await ok(
    ["apply", "-f", "-"],
    configuration("Mutating", "a-mutate", [webhook("mutate.example.com", "/mutate")]),
  );
  const got = JSON.parse(
    (await ok(["get", "mutatingwebhookconfiguration", "a-mutate", "-o", "json"])).stdout,
  );
  const hook = got.webhooks[0];
  assert.equal(hook.failurePolicy, "Fail");
  assert.equal(hook.matchPolicy, "Equivalent");
  assert.equal(hook.timeoutSeconds, 10);
  assert.equal(hook.reinvocationPolicy, "Never");
  assert.equal(hook.rules[0].scope, "*");
  assert.deepEqual(hook.namespaceSelector, {});
  const table = (await ok(["get", "mutatingwebhookconfigurations"])).stdout;
  assert.match(table, /^NAME\s+WEBHOOKS\s+AGE\na-mutate\s+1\s+\d+s\n$/);
});

test("a mutating webhook patches the pod in order, and its warning reaches kubectl", async () => {
  await ok(
    ["apply", "-f", "-"],
    configuration("Mutating", "b-second", [webhook("second.example.com", "/second")]),
  );
  const r = await ok(["run", "mut", "--image", "nginx"]);
  assert.match(r.stderr, /Warning: mutated by the test webhook/);
  const pod = JSON.parse((await ok(["get", "pod", "mut", "-o", "json"])).stdout);
  assert.equal(pod.metadata.labels.mutated, "yes");
  assert.equal(pod.metadata.labels.run, "mut");
  // b-second runs after a-mutate (name order) and saw its label.
  assert.equal(pod.metadata.annotations.seen, "yes");
  const seen = hooks.seen.find((s) => s.path === "/mutate" && s.request.name === "mut");
  assert.equal(seen?.request.operation, "CREATE");
  assert.deepEqual(seen?.request.kind, { group: "", version: "v1", kind: "Pod" });
  assert.deepEqual(seen?.request.resource, { group: "", version: "v1", resource: "pods" });
  assert.equal(seen?.request.namespace, "default");
  assert.equal(seen?.request.dryRun, false);
  assert.equal(seen?.request.options.kind, "CreateOptions");
  assert.ok(seen?.request.userInfo.groups.includes("system:masters"));
  await ok(["delete", "mutatingwebhookconfiguration", "a-mutate", "b-second"]);
});

test("a validating webhook denies with its message and code; objectSelector limits it", async () => {
  await ok(
    ["apply", "-f", "-"],
    configuration("Validating", "deny", [
      webhook("deny.example.com", "/deny", { objectSelector: { matchLabels: { checked: "yes" } } }),
    ]),
  );
  const denied = await server.kubectl([
    "run",
    "nope",
    "--image",
    "nginx",
    "--labels",
    "deny=true,checked=yes",
  ]);
  assert.notEqual(denied.code, 0);
  assert.equal(
    denied.stderr.trim(),
    'Error from server (Forbidden): admission webhook "deny.example.com" denied the request: pod nope is not welcome',
  );
  const before = hooks.seen.length;
  // Not selected: the webhook is not even called.
  await ok(["run", "unchecked", "--image", "nginx", "--labels", "deny=true"]);
  assert.equal(hooks.seen.length, before);
  // A server-side dry run reaches the webhook with dryRun set.
  await ok(["run", "dry", "--image", "nginx", "--labels", "checked=yes", "--dry-run=server"]);
  const dry = hooks.seen.find((s) => s.request.name === "dry");
  assert.equal(dry?.request.dryRun, true);
  await ok(["delete", "validatingwebhookconfiguration", "deny"]);
});

test("failurePolicy: an unreachable Fail webhook refuses, an Ignore one is skipped", async () => {
  const closed = { url: "https://127.0.0.1:1/unreachable", caBundle: hooks.caBundle };
  await ok(
    ["apply", "-f", "-"],
    configuration("Validating", "broken", [
      {
        ...webhook("broken.example.com", "/x"),
        clientConfig: closed,
        namespaceSelector: { matchLabels: { hooks: "broken" } },
      },
    ]),
  );
  await ok(["create", "namespace", "broken"]);
  await ok(["label", "namespace", "broken", "hooks=broken"]);
  const r = await server.kubectl(["run", "p", "-n", "broken", "--image", "nginx"]);
  assert.notEqual(r.code, 0);
  assert.equal(
    r.stderr.trim(),
    'Error from server (InternalError): Internal error occurred: failed calling webhook "broken.example.com": failed to call webhook: Post "https://127.0.0.1:1/unreachable?timeout=10s": connect ECONNREFUSED 127.0.0.1:1',
  );
  // Other namespaces do not match the namespaceSelector.
  await ok(["run", "elsewhere", "--image", "nginx"]);
  await ok([
    "patch",
    "validatingwebhookconfiguration",
    "broken",
    "--type=json",
    "-p",
    '[{"op":"replace","path":"/webhooks/0/failurePolicy","value":"Ignore"}]',
  ]);
  await ok(["run", "p", "-n", "broken", "--image", "nginx"]);
  await ok(["delete", "validatingwebhookconfiguration", "broken"]);
});

test("timeoutSeconds bounds a slow webhook", async () => {
  await ok(
    ["apply", "-f", "-"],
    configuration("Validating", "slow", [webhook("slow.example.com", "/slow", { timeoutSeconds: 1 })]),
  );
  const r = await server.kubectl(["run", "slowpoke", "--image", "nginx"]);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /failed calling webhook "slow\.example\.com": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/slow\?timeout=1s": context deadline exceeded/,
  );
  await ok(["delete", "validatingwebhookconfiguration", "slow"]);
});

test("a webhook behind a Service is reached through its EndpointSlice with the Service's TLS name", async () => {
  await ok(["create", "namespace", "hooks"]);
  await ok(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "List",
      items: [
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "webhook", namespace: "hooks" },
          spec: { ports: [{ name: "https", port: 443, targetPort: hooks.port }] },
        },
        {
          apiVersion: "discovery.k8s.io/v1",
          kind: "EndpointSlice",
          metadata: {
            name: "webhook-1",
            namespace: "hooks",
            labels: { "kubernetes.io/service-name": "webhook" },
          },
          addressType: "IPv4",
          endpoints: [{ addresses: ["127.0.0.1"], conditions: { ready: true } }],
          ports: [{ name: "https", port: hooks.port, protocol: "TCP" }],
        },
      ],
    }),
  );
  await ok(
    ["apply", "-f", "-"],
    configuration("Validating", "svc", [
      {
        ...webhook("svc.example.com", "/service"),
        clientConfig: {
          service: { name: "webhook", namespace: "hooks", path: "/service" },
          caBundle: hooks.caBundle,
        },
      },
    ]),
  );
  const r = await server.kubectl(["run", "via-service", "--image", "nginx"]);
  assert.equal(
    r.stderr.trim(),
    'Error from server: admission webhook "svc.example.com" denied the request: reached through the service',
  );
  await ok(["delete", "validatingwebhookconfiguration", "svc"]);
});
