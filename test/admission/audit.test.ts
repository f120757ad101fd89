// Audit logging through `skiff server --audit-policy-file --audit-log-path`: kubectl 1.32 acts,
// then the JSON lines are read back: levels per rule, stages, bodies, status, caller.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-audit-");
const policyPath = join(dir.path, "policy.yaml");
const logPath = join(dir.path, "audit.log");
const server = new SkiffServer({ apiOnly: true });

before(async () => {
  writeFileSync(
    policyPath,
    `apiVersion: audit.k8s.io/v1
kind: Policy
rules:
  - level: None
    nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*", "/openapi/*", "/version", "/healthz"]
  - level: RequestResponse
    resources: [{group: "", resources: ["configmaps"]}]
  - level: Metadata
    resources: [{group: "", resources: ["secrets"]}]
    omitStages: [RequestReceived]
  - level: Metadata
    verbs: [create]
    resources: [{group: "", resources: ["pods"]}]
  - level: Request
    verbs: [create, update, patch, delete]
  - level: None
`,
  );
  await server.start(["--audit-policy-file", policyPath, "--audit-log-path", logPath]);
});
after(async () => {
  await server.stop();
  dir.remove();
});

// biome-ignore lint/suspicious/noExplicitAny: audit events are arbitrary JSON
function events(): any[] {
  return readFileSync(logPath, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

async function ok(args: string[]) {
  const r = await server.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
}

test("RequestResponse: both stages, the request and response bodies, the caller", async () => {
  await ok(["create", "configmap", "c1", "--from-literal=a=b"]);
  const mine = events().filter((e) => e.objectRef?.resource === "configmaps" && e.verb === "create");
  assert.deepEqual(
    mine.map((e) => e.stage),
    ["RequestReceived", "ResponseComplete"],
  );
  const [received, complete] = mine;
  assert.equal(received.auditID, complete.auditID);
  assert.equal(complete.apiVersion, "audit.k8s.io/v1");
  assert.equal(complete.kind, "Event");
  assert.equal(complete.level, "RequestResponse");
  assert.equal(
    complete.requestURI,
    "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict",
  );
  assert.equal(complete.user.username, "admin");
  assert.ok(complete.user.groups.includes("system:masters"));
  assert.deepEqual(complete.sourceIPs, ["127.0.0.1"]);
  assert.match(complete.userAgent, /^kubectl[.\d]*\/v1\.32\.\d+ /);
  assert.deepEqual(complete.objectRef, {
    resource: "configmaps",
    namespace: "default",
    name: "c1",
    apiVersion: "v1",
  });
  assert.deepEqual(complete.responseStatus, { metadata: {}, code: 201 });
  assert.equal(complete.requestObject.data.a, "b");
  assert.equal(complete.responseObject.metadata.name, "c1");
  assert.ok(complete.responseObject.metadata.uid);
  assert.equal(received.responseStatus, undefined);
  assert.ok(Date.parse(complete.stageTimestamp) >= Date.parse(complete.requestReceivedTimestamp));
});

test("a failure carries its Status; reads without a rule are not logged", async () => {
  const r = await server.kubectl(["get", "configmap", "missing"]);
  assert.notEqual(r.code, 0);
  const miss = events().find((e) => e.objectRef?.name === "missing" && e.stage === "ResponseComplete");
  assert.deepEqual(miss.responseStatus, {
    metadata: {},
    code: 404,
    status: "Failure",
    message: 'configmaps "missing" not found',
    reason: "NotFound",
  });
  await ok(["get", "pods"]);
  assert.equal(events().filter((e) => e.objectRef?.resource === "pods").length, 0);
  assert.equal(
    events().filter((e) => e.requestURI === "/api" || e.requestURI.startsWith("/openapi")).length,
    0,
  );
});

test("Metadata for secrets: no bodies, no RequestReceived, and the value never reaches the log", async () => {
  await ok(["create", "secret", "generic", "s1", "--from-literal=password=topsecret-value"]);
  const mine = events().filter((e) => e.objectRef?.resource === "secrets");
  assert.deepEqual(
    mine.map((e) => [e.stage, e.level, e.verb]),
    [["ResponseComplete", "Metadata", "create"]],
  );
  assert.equal(mine[0].requestObject, undefined);
  assert.equal(mine[0].responseObject, undefined);
  const text = readFileSync(logPath, "utf8");
  assert.equal(text.includes("topsecret-value"), false);
  assert.equal(text.includes(Buffer.from("topsecret-value").toString("base64")), false);
});

test("Request level for other writes keeps the request body only", async () => {
  await ok(["create", "namespace", "audited"]);
  const ns = events().find(
    (e) =>
      e.objectRef?.resource === "namespaces" &&
      e.objectRef.name === "audited" &&
      e.stage === "ResponseComplete",
  );
  assert.equal(ns.level, "Request");
  assert.equal(ns.requestObject.metadata.name, "audited");
  assert.equal(ns.responseObject, undefined);
  assert.equal(ns.objectRef.name, "audited");
});

test("PodSecurity audit mode annotates the pod's audit event", async () => {
  await ok(["create", "namespace", "watched"]);
  await ok(["label", "namespace", "watched", "pod-security.kubernetes.io/audit=restricted"]);
  await ok(["run", "plain", "-n", "watched", "--image", "nginx"]);
  const event = events().find(
    (e) => e.objectRef?.resource === "pods" && e.objectRef.name === "plain" && e.stage === "ResponseComplete",
  );
  assert.equal(event.responseStatus.code, 201);
  assert.equal(event.level, "Metadata");
  assert.equal(event.requestObject, undefined);
  assert.match(
    event.annotations["pod-security.kubernetes.io/audit-violations"],
    /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "plain" must set securityContext\.allowPrivilegeEscalation=false\), /,
  );
});
