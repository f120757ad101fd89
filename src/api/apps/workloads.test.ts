import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FieldError } from "../field.ts";
import { type ControllerRevision, controllerrevisions } from "./controllerrevision.ts";
import { type DaemonSet, daemonsets } from "./daemonset.ts";
import { appsResources } from "./index.ts";
import { setStatus } from "./printing.ts";
import { type ReplicaSet, replicasets } from "./replicaset.ts";
import { type StatefulSet, statefulsets } from "./statefulset.ts";

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const now = new Date("2024-01-01T01:00:00Z");
const template = () => ({
  metadata: { labels: { app: "x" } },
  spec: {
    containers: [
      { name: "c", image: "busybox" },
      { name: "d", image: "nginx" },
    ],
  },
});
const meta = { name: "x", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" };

describe("replicasets", () => {
  const s = replicasets.strategy;
  const rs = (): ReplicaSet => ({
    metadata: { ...meta },
    spec: { selector: { matchLabels: { app: "x" } }, template: template() },
  });
  it("defaults replicas to 1 and validates", () => {
    const r = rs();
    s.defaults?.(r);
    assert.equal(r.spec?.replicas, 1);
    assert.deepEqual(s.validate?.(r), []);
  });
  it("rejects negative replicas and an empty selector", () => {
    const r = rs();
    if (r.spec) {
      r.spec.replicas = -2;
      r.spec.selector = {};
    }
    s.defaults?.(r);
    assert.deepEqual(brief(s.validate?.(r) ?? []), [
      "FieldValueInvalid spec.replicas",
      "FieldValueInvalid spec.selector",
    ]);
  });
  it("prints Desired/Current/Ready", () => {
    const r = rs();
    s.defaults?.(r);
    setStatus(r, { replicas: 1, readyReplicas: 1 });
    assert.deepEqual(s.table?.cells(r, now), ["x", 1, 1, 1, "60m", "c,d", "busybox,nginx", "app=x"]);
  });
});

describe("daemonsets", () => {
  const s = daemonsets.strategy;
  const ds = (): DaemonSet => ({
    metadata: { ...meta },
    spec: { selector: { matchLabels: { app: "x" } }, template: template() },
  });
  it("defaults the RollingUpdate strategy with maxUnavailable 1 and maxSurge 0", () => {
    const d = ds();
    s.defaults?.(d);
    assert.deepEqual(d.spec?.updateStrategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    assert.equal(d.spec?.revisionHistoryLimit, 10);
    assert.deepEqual(s.validate?.(d), []);
  });
  it("requires exactly one of maxSurge and maxUnavailable to be non-zero", () => {
    const d = ds();
    if (d.spec)
      d.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } };
    s.defaults?.(d);
    assert.deepEqual(brief(s.validate?.(d) ?? []), [
      "FieldValueRequired spec.updateStrategy.rollingUpdate.maxUnavailable",
    ]);
    const e = ds();
    if (e.spec)
      e.spec.updateStrategy = {
        type: "RollingUpdate",
        rollingUpdate: { maxUnavailable: 1, maxSurge: "10%" },
      };
    s.defaults?.(e);
    assert.deepEqual(brief(s.validate?.(e) ?? []), [
      "FieldValueInvalid spec.updateStrategy.rollingUpdate.maxSurge",
    ]);
  });
  it("rejects an unknown strategy type and a template that does not match", () => {
    const d = ds();
    if (d.spec) {
      d.spec.updateStrategy = { type: "Never" };
      d.spec.selector = { matchLabels: { app: "y" } };
    }
    s.defaults?.(d);
    assert.deepEqual(brief(s.validate?.(d) ?? []), [
      "FieldValueInvalid spec.template.metadata.labels",
      "FieldValueNotSupported spec.updateStrategy.type",
    ]);
  });
  it("prints the scheduling counts and the node selector", () => {
    const d = ds();
    s.defaults?.(d);
    if (d.spec?.template.spec) d.spec.template.spec.nodeSelector = { "kubernetes.io/os": "linux" };
    setStatus(d, {
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      numberReady: 1,
      updatedNumberScheduled: 2,
      numberAvailable: 1,
      numberMisscheduled: 0,
    });
    assert.deepEqual(s.table?.cells(d, now).slice(0, 8), [
      "x",
      2,
      2,
      1,
      2,
      1,
      "kubernetes.io/os=linux",
      "60m",
    ]);
    assert.equal(s.table?.columns.length, s.table?.cells(d, now).length);
  });
});

describe("statefulsets", () => {
  const s = statefulsets.strategy;
  const sts = (): StatefulSet => ({
    metadata: { ...meta },
    spec: { serviceName: "x", selector: { matchLabels: { app: "x" } }, template: template() },
  });
  it("defaults pod management, update strategy, retention, replicas and history", () => {
    const t = sts();
    s.defaults?.(t);
    assert.equal(t.spec?.podManagementPolicy, "OrderedReady");
    assert.deepEqual(t.spec?.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
    assert.deepEqual(t.spec?.persistentVolumeClaimRetentionPolicy, {
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
    assert.equal(t.spec?.replicas, 1);
    assert.equal(t.spec?.revisionHistoryLimit, 10);
    assert.deepEqual(s.validate?.(t), []);
  });
  it("rejects bad policies and negative partition", () => {
    const t = sts();
    if (t.spec) {
      t.spec.podManagementPolicy = "Random";
      t.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: -1 } };
      t.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Keep" };
    }
    s.defaults?.(t);
    assert.deepEqual(brief(s.validate?.(t) ?? []), [
      "FieldValueInvalid spec.podManagementPolicy",
      "FieldValueInvalid spec.updateStrategy.rollingUpdate.partition",
      "FieldValueNotSupported spec.persistentVolumeClaimRetentionPolicy.whenDeleted",
    ]);
  });
  it("forbids updates outside replicas/template/updateStrategy/…", () => {
    const old = sts();
    s.defaults?.(old);
    const scaled = structuredClone(old);
    if (scaled.spec) scaled.spec.replicas = 5;
    assert.deepEqual(s.validateUpdate?.(scaled, old), []);
    const renamed = structuredClone(old);
    if (renamed.spec) renamed.spec.serviceName = "other";
    assert.deepEqual(brief(s.validateUpdate?.(renamed, old) ?? []), ["FieldValueForbidden spec"]);
  });
  it("prints Ready as ready/desired", () => {
    const t = sts();
    s.defaults?.(t);
    t.status = { replicas: 1, readyReplicas: 1 };
    assert.deepEqual(s.table?.cells(t, now), ["x", "1/1", "60m", "c,d", "busybox,nginx"]);
  });
});

describe("controllerrevisions", () => {
  const s = controllerrevisions.strategy;
  const cr = (): ControllerRevision => ({
    metadata: {
      ...meta,
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "DaemonSet", name: "fluentd", uid: "u", controller: true },
      ],
    },
    data: { spec: {} },
    revision: 2,
  });
  it("validates data and revision, keeps data immutable", () => {
    assert.deepEqual(s.validate?.(cr()), []);
    const bad = cr();
    bad.data = undefined;
    bad.revision = -1;
    assert.deepEqual(brief(s.validate?.(bad) ?? []), [
      "FieldValueRequired data",
      "FieldValueInvalid revision",
    ]);
    const changed = cr();
    changed.data = { spec: { x: 1 } };
    assert.deepEqual(brief(s.validateUpdate?.(changed, cr()) ?? []), ["FieldValueInvalid data"]);
  });
  it("prints the controller as kind.group/name", () => {
    assert.deepEqual(s.table?.cells(cr(), now), ["x", "daemonset.apps/fluentd", 2, "60m"]);
  });
});

describe("apps group", () => {
  it("lists its resources alphabetically with the short names kubectl knows", () => {
    const defs = appsResources();
    assert.deepEqual(
      defs.map((d) => `${d.resource}:${(d.shortNames ?? []).join(",")}`),
      ["controllerrevisions:", "daemonsets:ds", "deployments:deploy", "replicasets:rs", "statefulsets:sts"],
    );
    assert.ok(defs.every((d) => d.group === "apps" && d.version === "v1"));
  });
});
