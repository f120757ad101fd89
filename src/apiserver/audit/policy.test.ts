import assert from "node:assert/strict";
import { test } from "node:test";
import type { RequestInfo } from "../requestinfo.ts";
import { evaluate, parseAuditPolicy } from "./policy.ts";

const info = (o: Partial<RequestInfo>): RequestInfo => ({
  isResourceRequest: true,
  path: "/api/v1/namespaces/default/pods",
  verb: "list",
  apiPrefix: "api",
  apiGroup: "",
  apiVersion: "v1",
  namespace: "default",
  resource: "pods",
  subresource: "",
  name: "",
  ...o,
});
const alice = { name: "alice", groups: ["dev", "system:authenticated"] };

const policy = parseAuditPolicy(`
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [Panic]
rules:
  - level: None
    users: ["system:kube-proxy"]
  - level: RequestResponse
    resources: [{group: "", resources: ["pods/log", "*/status"]}]
  - level: Metadata
    resources: [{group: "", resources: ["secrets"], resourceNames: ["token"]}]
    omitStages: [RequestReceived]
  - level: Request
    userGroups: [dev]
    namespaces: [default]
  - level: Metadata
    nonResourceURLs: ["/healthz*"]
`);

test("the first matching rule decides; subresources and names as upstream matches them", () => {
  assert.equal(evaluate(policy, alice, info({ subresource: "log", verb: "get" })).level, "RequestResponse");
  assert.equal(
    evaluate(policy, alice, info({ resource: "nodes", subresource: "status", namespace: "" })).level,
    "RequestResponse",
  );
  assert.equal(evaluate(policy, { name: "system:kube-proxy", groups: [] }, info({})).level, "None");
  const secret = evaluate(policy, alice, info({ resource: "secrets", name: "token", verb: "get" }));
  assert.equal(secret.level, "Metadata");
  assert.deepEqual([...secret.omit].sort(), ["Panic", "RequestReceived"]);
  assert.equal(evaluate(policy, alice, info({ resource: "secrets", name: "other" })).level, "Request");
  assert.equal(evaluate(policy, alice, info({ namespace: "prod" })).level, "None");
  const health = info({
    isResourceRequest: false,
    path: "/healthz/ping",
    verb: "get",
    resource: "",
    namespace: "",
  });
  assert.equal(evaluate(policy, alice, health).level, "Metadata");
});

test("policies with unknown levels or mixed resource and URL rules are refused", () => {
  assert.throws(
    () => parseAuditPolicy("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Loud}]"),
    /Unsupported value: "Loud"/,
  );
  assert.throws(
    () =>
      parseAuditPolicy(
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: None, resources: [{}], nonResourceURLs: [/x]}]",
      ),
    /both regular resources and non-resource URLs/,
  );
});
