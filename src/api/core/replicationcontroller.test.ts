import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { replicationControllers as rcs } from "./replicationcontroller.ts";

const now = new Date("2024-05-01T12:00:00Z");

function rc(spec: Record<string, unknown> = {}): KubeObject {
  const obj: KubeObject = {
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-05-01T11:58:00Z" },
    spec: {
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
      },
      ...spec,
    },
  };
  rcs.strategy.defaults?.(obj);
  return obj;
}

const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

describe("replicationcontrollers", () => {
  it("defaults selector, labels, replicas and the template", () => {
    const obj = rc();
    const spec = obj.spec as {
      selector: unknown;
      replicas: number;
      template: { spec: { restartPolicy: string } };
    };
    assert.deepEqual(spec.selector, { app: "web" });
    assert.deepEqual(obj.metadata?.labels, { app: "web" });
    assert.equal(spec.replicas, 1);
    assert.equal(spec.template.spec.restartPolicy, "Always");
    assert.deepEqual(rcs.strategy.validate?.(obj), []);
    assert.deepEqual(rcs.scale, {
      specReplicasPath: "spec.replicas",
      statusReplicasPath: "status.replicas",
      labelSelectorPath: "spec.selector",
    });
  });

  it("rejects a selector that misses the template, other restart policies and deadlines", () => {
    const obj = rc({ selector: { app: "other" } });
    const template = (obj.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    template.restartPolicy = "Never";
    template.activeDeadlineSeconds = 5;
    assert.deepEqual(fields(rcs.strategy.validate?.(obj)), [
      ["FieldValueInvalid", "spec.template.metadata.labels"],
      ["FieldValueNotSupported", "spec.template.spec.restartPolicy"],
      ["FieldValueForbidden", "spec.template.spec.activeDeadlineSeconds"],
    ]);
    const noTemplate: KubeObject = { metadata: { name: "x", namespace: "d" }, spec: {} };
    rcs.strategy.defaults?.(noTemplate);
    assert.deepEqual(fields(rcs.strategy.validate?.(noTemplate)), [
      ["FieldValueRequired", "spec.selector"],
      ["FieldValueRequired", "spec.template"],
    ]);
  });

  it("prints DESIRED/CURRENT/READY and selects on status.replicas", () => {
    const obj = rc();
    rcs.strategy.prepareForCreate?.(obj);
    obj.status = { replicas: 1, readyReplicas: 1 };
    assert.deepEqual(rcs.strategy.table?.cells(obj, now), [
      "web",
      1,
      1,
      1,
      "2m",
      "nginx",
      "nginx:1.27",
      "app=web",
    ]);
    assert.equal(rcs.strategy.fieldSelectors?.["status.replicas"]?.(obj), "1");
  });
});
