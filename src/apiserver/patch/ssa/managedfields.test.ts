import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "../json.ts";
import { deploymentSchema } from "../testschema.ts";
import { managerFromUserAgent, updateManagedFields } from "./managedfields.ts";

const t0 = new Date("2024-05-01T10:00:00.500Z");
const t1 = new Date("2024-05-01T11:00:00Z");

const deployment = (replicas: number, image: string): JsonObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "u1", resourceVersion: "5", labels: { app: "web" } },
  spec: { replicas, template: { spec: { containers: [{ name: "web", image }] } } },
  status: { replicas: 1 },
});

type WithManaged = { metadata: { managedFields?: JsonObject[] } };
const entries = (o: JsonObject): JsonObject[] => (o as WithManaged).metadata.managedFields ?? [];

function update(live: JsonObject | undefined, updated: JsonObject, manager: string, now: Date): JsonObject {
  return updateManagedFields({
    live,
    updated,
    manager,
    apiVersion: "apps/v1",
    schema: deploymentSchema,
    now,
    ignoredFields: [["f:status"]],
  });
}

describe("updateManagedFields", () => {
  it("gives a creator every field it set, minus system metadata and ignored fields", () => {
    const created = update(undefined, deployment(1, "nginx:1"), "kubectl-create", t0);
    assert.deepEqual(entries(created), [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "apps/v1",
        time: "2024-05-01T10:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:template": {
              "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } } },
            },
          },
        },
      },
    ]);
  });

  it("moves changed fields to the writer and keeps the rest with their owner", () => {
    const created = update(undefined, deployment(1, "nginx:1"), "kubectl-create", t0);
    const scaled = update(
      created,
      { ...deployment(3, "nginx:1"), metadata: created.metadata as JsonObject },
      "kubectl-scale",
      t1,
    );
    const byManager = Object.fromEntries(entries(scaled).map((e) => [e.manager, e]));
    assert.equal(JSON.stringify(byManager["kubectl-create"]?.fieldsV1).includes("f:replicas"), false);
    assert.equal(JSON.stringify(byManager["kubectl-create"]?.fieldsV1).includes("f:image"), true);
    assert.deepEqual(byManager["kubectl-scale"]?.fieldsV1, { "f:spec": { "f:replicas": {} } });
    assert.equal(byManager["kubectl-scale"]?.time, "2024-05-01T11:00:00Z");
    assert.equal(byManager["kubectl-create"]?.time, "2024-05-01T10:00:00Z");
  });

  it("leaves managedFields alone for a write that changes nothing", () => {
    const created = update(undefined, deployment(1, "nginx:1"), "kubectl-create", t0);
    const again = update(created, structuredClone(created), "other", t1);
    assert.deepEqual(entries(again), entries(created));
  });

  it("drops removed fields from their owners and empty owners entirely", () => {
    const created = update(undefined, deployment(1, "nginx:1"), "a", t0);
    const scaled = update(
      created,
      { ...deployment(2, "nginx:1"), metadata: created.metadata as JsonObject },
      "b",
      t1,
    );
    const withoutReplicas = structuredClone(scaled) as JsonObject & { spec: JsonObject };
    delete withoutReplicas.spec.replicas;
    const result = update(scaled, withoutReplicas, "c", t1);
    assert.deepEqual(
      entries(result).map((e) => e.manager),
      ["a"],
    );
  });

  it("keeps live managedFields when the request sends none, resets them on []", () => {
    const created = update(undefined, deployment(1, "nginx:1"), "a", t0);
    const sentNone = deployment(1, "nginx:1");
    assert.deepEqual(entries(update(created, sentNone, "b", t1)), entries(created));
    const reset = {
      ...deployment(1, "nginx:1"),
      metadata: { name: "web", labels: { app: "web" }, managedFields: [] },
    };
    assert.deepEqual(entries(update(created, reset, "b", t1)), []);
  });

  it("records a subresource writer as its own entry", () => {
    const created = update(undefined, deployment(1, "nginx:1"), "kubectl", t0);
    const scaled = updateManagedFields({
      live: created,
      updated: { ...deployment(4, "nginx:1"), metadata: created.metadata as JsonObject },
      manager: "kubectl",
      apiVersion: "apps/v1",
      schema: deploymentSchema,
      now: t1,
      subresource: "scale",
    });
    const scaleEntry = entries(scaled).find((e) => e.subresource === "scale");
    assert.deepEqual(scaleEntry?.fieldsV1, { "f:spec": { "f:replicas": {} } });
    assert.equal(entries(scaled).length, 2);
  });

  it("derives the manager from the User-Agent", () => {
    assert.equal(managerFromUserAgent("kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9"), "kubectl");
    assert.equal(managerFromUserAgent(undefined), "");
  });
});
