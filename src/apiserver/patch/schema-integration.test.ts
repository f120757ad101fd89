// The engines driven by the real patch metadata of src/api/schema (Deployment, Node).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { patchSchemaFor } from "../../api/schema/patch-schema.ts";
import type { JsonObject } from "./json.ts";
import { serverSideApply } from "./ssa/apply.ts";
import { applyStrategicMergePatch } from "./strategic.ts";

const deploymentSchema = patchSchemaFor("apps", "v1", "Deployment");

const deployment = (): JsonObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web" },
  spec: {
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } },
    template: {
      spec: {
        containers: [
          { name: "web", image: "nginx:1", env: [{ name: "A", value: "1" }] },
          { name: "sidecar", image: "busybox" },
        ],
      },
    },
  },
});

describe("patch engines with the generated schemas", () => {
  it("has a schema for apps/v1 Deployment", () => {
    assert.ok(deploymentSchema);
  });

  it("kubectl set image merges containers by name", () => {
    const result = applyStrategicMergePatch(
      deployment(),
      {
        spec: {
          template: {
            spec: {
              "$setElementOrder/containers": [{ name: "web" }, { name: "sidecar" }],
              containers: [{ image: "nginx:2", name: "web" }],
            },
          },
        },
      },
      deploymentSchema,
    ) as { spec: { template: { spec: { containers: JsonObject[] } } } };
    assert.deepEqual(
      result.spec.template.spec.containers.map((c) => [c.name, c.image]),
      [
        ["web", "nginx:2"],
        ["sidecar", "busybox"],
      ],
    );
    assert.deepEqual(result.spec.template.spec.containers[0]?.env, [{ name: "A", value: "1" }]);
  });

  it("$retainKeys on strategy and $patch: delete on a container", () => {
    const result = applyStrategicMergePatch(
      deployment(),
      {
        spec: {
          strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null },
          template: { spec: { containers: [{ name: "sidecar", $patch: "delete" }] } },
        },
      },
      deploymentSchema,
    ) as { spec: { strategy: JsonObject; template: { spec: { containers: JsonObject[] } } } };
    assert.deepEqual(result.spec.strategy, { type: "Recreate" });
    assert.deepEqual(
      result.spec.template.spec.containers.map((c) => c.name),
      ["web"],
    );
  });

  it("server-side apply keys containers by name", () => {
    const { object } = serverSideApply({
      live: undefined,
      applied: deployment(),
      fieldManager: "kubectl",
      apiVersion: "apps/v1",
      kind: "Deployment",
      schema: deploymentSchema,
      now: new Date("2024-01-01T00:00:00Z"),
    });
    const entry = (object.metadata as { managedFields: JsonObject[] }).managedFields[0];
    assert.match(JSON.stringify(entry?.fieldsV1), /k:\{\\"name\\":\\"sidecar\\"\}/);
  });

  it("cordon's null deletes with the Node schema", () => {
    const node = { metadata: { name: "n" }, spec: { unschedulable: true } };
    assert.deepEqual(
      applyStrategicMergePatch(node, { spec: { unschedulable: null } }, patchSchemaFor("", "v1", "Node")),
      { metadata: { name: "n" }, spec: {} },
    );
  });
});
