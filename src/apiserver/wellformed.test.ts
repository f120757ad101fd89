import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { strictIssues } from "../api/schema/unknown-fields.ts";
import { checkTypes } from "./typecheck.ts";
import { wellFormed } from "./wellformed.ts";

type Case = [group: string, version: string, kind: string, obj: Record<string, unknown>];

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name: "p",
    labels: { app: "x" },
    annotations: { "a/b": "c" },
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: "u", controller: true }],
    managedFields: [
      {
        manager: "m",
        operation: "Update",
        apiVersion: "v1",
        fieldsType: "FieldsV1",
        fieldsV1: { "f:spec": {} },
      },
    ],
  },
  spec: {
    containers: [
      {
        name: "c",
        image: "busybox",
        ports: [{ containerPort: 80, protocol: "TCP" }],
        resources: { requests: { cpu: "10m", memory: 1024 } },
        livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 3 },
      },
    ],
    nodeSelector: { disk: "ssd" },
  },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastProbeTime: null }] },
};

const clean: Case[] = [
  ["", "v1", "Pod", pod],
  ["", "v1", "ConfigMap", { metadata: { name: "c" }, data: { a: "b" }, binaryData: { b: "AA==" } }],
  [
    "coordination.k8s.io",
    "v1",
    "Lease",
    { metadata: { name: "n" }, spec: { holderIdentity: "n", leaseDurationSeconds: 40 } },
  ],
  [
    "apps",
    "v1",
    "Deployment",
    {
      metadata: { name: "d" },
      spec: { replicas: 3, selector: { matchLabels: { a: "b" } }, template: { spec: pod.spec } },
    },
  ],
  [
    "",
    "v1",
    "Event",
    { metadata: { name: "e" }, involvedObject: { kind: "Pod", name: "p" }, count: 1, reason: "R" },
  ],
];

const doubtful: Case[] = [
  ["", "v1", "Pod", { ...pod, spec: { ...pod.spec, bogus: 1 } }],
  ["", "v1", "Pod", { ...pod, metadata: { name: "p", labels: { a: 1 } } }],
  ["", "v1", "Pod", { ...pod, spec: { containers: { name: "c" } } }],
  ["", "v1", "Pod", { ...pod, spec: { containers: [{ name: "c", ports: [{ containerPort: "80" }] }] } }],
  [
    "",
    "v1",
    "Pod",
    { ...pod, spec: { containers: [{ name: "c", resources: { requests: { cpu: true } } }] } },
  ],
  [
    "",
    "v1",
    "Pod",
    { ...pod, spec: { containers: [{ name: "c", livenessProbe: { httpGet: { port: 1.5 } } }] } },
  ],
  ["", "v1", "ConfigMap", { metadata: { name: "c" }, data: { a: 1 } }],
  ["apps", "v1", "Deployment", { metadata: { name: "d" }, spec: { replicas: "three" } }],
  ["", "v1", "ConfigMap", { metadata: { name: "c", __proto__x: 1 } }],
  ["example.com", "v1", "Widget", { metadata: { name: "w" }, spec: {} }],
];

function exactlyClean([group, version, kind, obj]: Case): boolean {
  try {
    checkTypes(group, version, kind, obj);
  } catch {
    return false;
  }
  return strictIssues(group, version, kind, JSON.parse(JSON.stringify(obj))).length === 0;
}

describe("wellFormed", () => {
  it("is true for objects the exact walks find nothing in", () => {
    for (const c of clean) {
      assert.equal(exactlyClean(c), true, c[2]);
      assert.equal(wellFormed(c[0], c[1], c[2], c[3]), true, c[2]);
    }
  });
  it("is false for unknown fields, mistyped values and kinds without a built-in schema", () => {
    for (const c of doubtful) {
      assert.equal(wellFormed(c[0], c[1], c[2], c[3]), false, JSON.stringify(c[3]));
      // Never true where the exact walks report something.
      if (!exactlyClean(c)) assert.equal(wellFormed(c[0], c[1], c[2], c[3]), false);
    }
  });
});
