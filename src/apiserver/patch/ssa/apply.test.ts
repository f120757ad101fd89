import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadRequestError, InvalidError, toStatus } from "../../../api/errors.ts";
import type { JsonObject } from "../json.ts";
import { deploymentSchema } from "../testschema.ts";
import { ApplyConflictError, decodeApplyPatch, serverSideApply } from "./apply.ts";
import { updateManagedFields } from "./managedfields.ts";

const t0 = new Date("2024-05-01T10:00:00.123Z");
const t1 = new Date("2024-05-01T11:00:00Z");

const config = (
  replicas: number,
  containers: JsonObject[],
  labels: JsonObject = { app: "web" },
): JsonObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", labels },
  spec: { replicas, template: { spec: { containers } } },
});

function apply(live: JsonObject | undefined, applied: JsonObject, manager = "kubectl", force = false) {
  return serverSideApply({
    live,
    applied,
    fieldManager: manager,
    force,
    apiVersion: "apps/v1",
    kind: "Deployment",
    schema: deploymentSchema,
    now: t1,
    ignoredFields: [["f:status"]],
  });
}

type Deployment = JsonObject & {
  metadata: JsonObject & { managedFields: JsonObject[]; labels?: JsonObject };
  spec: { replicas?: number; template: { spec: { containers: JsonObject[] } } };
};

describe("serverSideApply", () => {
  it("creates an object owned by the applier, in FieldsV1 encoding", () => {
    const { object, changed } = apply(undefined, config(2, [{ name: "web", image: "nginx:1" }]));
    assert.equal(changed, true);
    assert.deepEqual((object as Deployment).metadata.managedFields, [
      {
        manager: "kubectl",
        operation: "Apply",
        apiVersion: "apps/v1",
        time: "2024-05-01T11:00:00Z",
        fieldsType: "FieldsV1",
        fieldsV1: {
          "f:metadata": { "f:labels": { "f:app": {} } },
          "f:spec": {
            "f:replicas": {},
            "f:template": {
              "f:spec": {
                "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } },
              },
            },
          },
        },
      },
    ]);
    assert.equal((object as Deployment).spec.replicas, 2);
  });

  it("merges into the live object, keeping fields it does not set", () => {
    const live = apply(undefined, config(2, [{ name: "web", image: "nginx:1" }])).object;
    const withStatus = { ...live, status: { replicas: 2 } };
    const { object } = apply(withStatus, config(3, [{ name: "web", image: "nginx:1" }]));
    assert.equal((object as Deployment).spec.replicas, 3);
    assert.deepEqual(object.status, { replicas: 2 });
  });

  it("removes fields and list items it applied before but no longer applies", () => {
    const first = apply(
      undefined,
      config(
        2,
        [
          { name: "web", image: "nginx:1", args: ["a"] },
          { name: "sidecar", image: "busybox" },
        ],
        { app: "web", tier: "front" },
      ),
    ).object;
    const { object } = apply(first, config(2, [{ name: "web", image: "nginx:1" }]));
    const d = object as Deployment;
    assert.deepEqual(d.spec.template.spec.containers, [{ name: "web", image: "nginx:1" }]);
    assert.deepEqual(d.metadata.labels, { app: "web" });
  });

  it("keeps a dropped field another manager also owns", () => {
    const first = apply(undefined, config(2, [{ name: "web", image: "nginx:1" }]), "a").object;
    const second = apply(first, config(2, [{ name: "web", image: "nginx:1" }]), "b").object;
    const { object } = apply(
      second,
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } },
      "a",
    );
    const d = object as Deployment;
    assert.equal(d.spec.replicas, 2);
    assert.deepEqual(
      d.metadata.managedFields.map((e) => e.manager),
      ["b"],
    );
  });

  it("shares fields applied with the same value", () => {
    const first = apply(undefined, config(2, [{ name: "web", image: "nginx:1" }]), "a").object;
    const { object, changed } = apply(first, config(2, [{ name: "web", image: "nginx:1" }]), "b");
    assert.equal(changed, false);
    const managers = (object as Deployment).metadata.managedFields;
    // Nothing changed, so b's entry carries no time (Kubernetes only stamps changes) and sorts first.
    assert.deepEqual(
      managers.map((e) => [e.manager, e.time]),
      [
        ["b", undefined],
        ["a", "2024-05-01T11:00:00Z"],
      ],
    );
    assert.deepEqual(managers[0]?.fieldsV1, managers[1]?.fieldsV1);
  });

  it("conflicts with a client-side-apply manager over a changed field (409)", () => {
    const created = updateManagedFields({
      live: undefined,
      updated: config(1, [{ name: "web", image: "nginx:1" }]),
      manager: "kubectl-client-side-apply",
      apiVersion: "apps/v1",
      schema: deploymentSchema,
      now: t0,
    });
    try {
      apply(created, config(3, [{ name: "web", image: "nginx:1" }]), "kubectl");
      assert.fail("expected a conflict");
    } catch (err) {
      assert.ok(err instanceof ApplyConflictError);
      assert.deepEqual(toStatus(err), {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message:
          'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
        reason: "Conflict",
        details: {
          causes: [
            {
              reason: "FieldManagerConflict",
              message: 'conflict with "kubectl-client-side-apply" using apps/v1',
              field: ".spec.replicas",
            },
          ],
        },
        code: 409,
      });
    }
  });

  it("names a subresource writer before its version, as apimachinery's printManager", () => {
    const first = apply(undefined, config(2, [{ name: "web", image: "nginx:1" }])).object;
    const scaled = updateManagedFields({
      live: first,
      updated: { ...config(5, [{ name: "web", image: "nginx:1" }]), metadata: first.metadata as JsonObject },
      manager: "kubectl",
      apiVersion: "apps/v1",
      schema: deploymentSchema,
      now: t1,
      subresource: "scale",
    });
    assert.throws(
      () => apply(scaled, config(2, [{ name: "web", image: "nginx:1" }])),
      (err: unknown) =>
        err instanceof ApplyConflictError &&
        err.message ===
          'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
  });

  it("lists several conflicts grouped by manager", () => {
    const first = apply(undefined, config(2, [{ name: "web", image: "nginx:1" }]), "a").object;
    assert.throws(
      () => apply(first, config(3, [{ name: "web", image: "nginx:2" }]), "b"),
      (err: unknown) =>
        err instanceof ApplyConflictError &&
        err.message ===
          'Apply failed with 2 conflicts: conflicts with "a":\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  it("force takes ownership from the other manager", () => {
    const first = apply(undefined, config(2, [{ name: "web", image: "nginx:1" }]), "a").object;
    const { object } = apply(first, config(3, [{ name: "web", image: "nginx:1" }]), "b", true);
    const d = object as Deployment;
    assert.equal(d.spec.replicas, 3);
    const a = d.metadata.managedFields.find((e) => e.manager === "a");
    const b = d.metadata.managedFields.find((e) => e.manager === "b");
    assert.equal(JSON.stringify(a?.fieldsV1).includes("f:replicas"), false);
    assert.equal(JSON.stringify(b?.fieldsV1).includes("f:replicas"), true);
  });

  it("validates the request: fieldManager, apiVersion, kind, managedFields", () => {
    assert.throws(
      () =>
        serverSideApply({
          live: undefined,
          applied: config(1, []),
          fieldManager: "",
          apiVersion: "apps/v1",
          kind: "Deployment",
          schema: undefined,
          now: t1,
        }),
      (err: unknown) => err instanceof InvalidError && /fieldManager: Required value/.test(err.message),
    );
    assert.throws(() => apply(undefined, { ...config(1, []), apiVersion: "apps/v1beta1" }), BadRequestError);
    assert.throws(() => apply(undefined, { ...config(1, []), kind: "ReplicaSet" }), BadRequestError);
    assert.throws(
      () => apply(undefined, { ...config(1, []), metadata: { name: "web", managedFields: [] } }),
      BadRequestError,
    );
  });
});

describe("decodeApplyPatch", () => {
  it("reads YAML and JSON", () => {
    assert.deepEqual(decodeApplyPatch("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"), {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
    });
    assert.deepEqual(decodeApplyPatch('{"kind":"Pod"}'), { kind: "Pod" });
  });
  it("rejects bad bodies with 400", () => {
    assert.throws(() => decodeApplyPatch("a: [b"), BadRequestError);
    assert.throws(() => decodeApplyPatch("- a"), BadRequestError);
  });
});
