import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FieldError } from "../field.ts";
import { type Deployment, deployments } from "./deployment.ts";

function deployment(): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "nginx", image: "nginx:1.25" }] },
      },
    },
  };
}

const strategy = deployments.strategy;
function validate(d: Deployment): FieldError[] {
  strategy.defaults?.(d);
  return strategy.validate?.(d) ?? [];
}
const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);

describe("deployments", () => {
  it("defaults replicas, strategy, history limit and progress deadline", () => {
    const d = deployment();
    strategy.defaults?.(d);
    assert.equal(d.spec?.replicas, 1);
    assert.deepEqual(d.spec?.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
    });
    assert.equal(d.spec?.revisionHistoryLimit, 10);
    assert.equal(d.spec?.progressDeadlineSeconds, 600);
    assert.equal(d.spec?.template.spec?.restartPolicy, "Always");
  });

  it("does not add rollingUpdate to a Recreate strategy", () => {
    const d = deployment();
    if (d.spec) d.spec.strategy = { type: "Recreate" };
    strategy.defaults?.(d);
    assert.deepEqual(d.spec?.strategy, { type: "Recreate" });
    assert.deepEqual(validate(d), []);
  });

  it("accepts a valid deployment", () => {
    assert.deepEqual(validate(deployment()), []);
  });

  it("rejects a missing selector and a selector that does not match the template", () => {
    const d = deployment();
    if (d.spec) d.spec.selector = undefined as never;
    assert.deepEqual(brief(validate(d)), ["FieldValueRequired spec.selector"]);
    const e = deployment();
    if (e.spec) e.spec.selector = { matchLabels: { app: "other" } };
    assert.deepEqual(brief(validate(e)), ["FieldValueInvalid spec.template.metadata.labels"]);
  });

  it("rejects an empty selector, negative replicas and a bad strategy type", () => {
    const d = deployment();
    if (d.spec) {
      d.spec.selector = {};
      d.spec.replicas = -1;
      d.spec.strategy = { type: "Sometimes" };
    }
    assert.deepEqual(brief(validate(d)), [
      "FieldValueInvalid spec.replicas",
      "FieldValueInvalid spec.selector",
      "FieldValueNotSupported spec.strategy.type",
    ]);
  });

  it("rejects maxSurge and maxUnavailable both 0, bad percents, and rollingUpdate with Recreate", () => {
    const d = deployment();
    if (d.spec)
      d.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: "0%" } };
    const errs = validate(d);
    assert.deepEqual(brief(errs), ["FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable"]);
    assert.equal(errs[0]?.detail, "may not be 0 when `maxSurge` is 0");

    const p = deployment();
    if (p.spec)
      p.spec.strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "x", maxUnavailable: "150%" } };
    assert.deepEqual(brief(validate(p)), [
      "FieldValueInvalid spec.strategy.rollingUpdate.maxSurge",
      "FieldValueInvalid spec.strategy.rollingUpdate.maxUnavailable",
    ]);

    const r = deployment();
    if (r.spec) r.spec.strategy = { type: "Recreate", rollingUpdate: {} };
    assert.deepEqual(brief(validate(r)), ["FieldValueForbidden spec.strategy.rollingUpdate"]);
  });

  it("rejects a template restartPolicy other than Always and progressDeadline <= minReady", () => {
    const d = deployment();
    if (d.spec?.template.spec) d.spec.template.spec.restartPolicy = "Never";
    if (d.spec) {
      d.spec.minReadySeconds = 700;
    }
    assert.deepEqual(brief(validate(d)), [
      "FieldValueNotSupported spec.template.spec.restartPolicy",
      "FieldValueInvalid spec.progressDeadlineSeconds",
    ]);
  });

  it("keeps the selector immutable on update", () => {
    const old = deployment();
    const next = deployment();
    if (next.spec) {
      next.spec.selector = { matchLabels: { app: "web", tier: "x" } };
      next.spec.template.metadata = { labels: { app: "web", tier: "x" } };
    }
    const errs = strategy.validateUpdate?.(next, old) ?? [];
    assert.deepEqual(brief(errs), ["FieldValueInvalid spec.selector"]);
    assert.equal(errs[0]?.detail, "field is immutable");
  });

  it("prints Ready, Up-to-date, Available, Age and the wide columns", () => {
    const d = deployment();
    strategy.defaults?.(d);
    d.spec = { ...d.spec, replicas: 3 } as Deployment["spec"];
    d.status = { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 };
    const table = strategy.table;
    assert.ok(table);
    assert.deepEqual(
      table.columns.map((c) => `${c.name}/${c.priority}`),
      ["Name/0", "Ready/0", "Up-to-date/0", "Available/0", "Age/0", "Containers/1", "Images/1", "Selector/1"],
    );
    assert.deepEqual(table.cells(d, new Date("2024-01-01T00:05:03Z")), [
      "web",
      "2/3",
      3,
      2,
      "5m3s",
      "nginx",
      "nginx:1.25",
      "app=web",
    ]);
  });

  it("advertises deploy, category all, status and scale", () => {
    assert.deepEqual(deployments.shortNames, ["deploy"]);
    assert.deepEqual(deployments.categories, ["all"]);
    assert.equal(deployments.hasStatus, true);
    assert.equal(deployments.scale?.labelSelectorPath, "spec.selector");
  });
});
