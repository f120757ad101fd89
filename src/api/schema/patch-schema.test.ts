import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { patchSchemaFor } from "./patch-schema.ts";

describe("patchSchemaFor", () => {
  it("knows PodSpec list merge keys through Deployment's template", () => {
    const deployment = patchSchemaFor("apps", "v1", "Deployment");
    assert.ok(deployment);
    const podSpec = deployment.field("spec")?.field("template")?.field("spec");
    const containers = podSpec?.field("containers");
    assert.equal(containers?.patchStrategy, "merge");
    assert.equal(containers?.patchMergeKey, "name");
    const container = containers?.items();
    assert.equal(container?.field("ports")?.patchMergeKey, "containerPort");
    assert.equal(container?.field("volumeMounts")?.patchMergeKey, "mountPath");
    assert.equal(container?.field("env")?.patchMergeKey, "name");
    assert.equal(container?.field("args")?.patchStrategy, undefined);
    assert.equal(container?.field("args")?.listType, "atomic");
    assert.equal(podSpec?.field("volumes")?.patchStrategy, "merge,retainKeys");
    assert.equal(deployment.field("spec")?.field("strategy")?.patchStrategy, "retainKeys");
    assert.equal(deployment.field("status")?.field("conditions")?.patchMergeKey, "type");
  });

  it("metadata: ownerReferences by uid, finalizers as a merged set, labels as a map", () => {
    const pod = patchSchemaFor("", "v1", "Pod");
    const meta = pod?.field("metadata");
    assert.equal(meta?.field("ownerReferences")?.patchMergeKey, "uid");
    assert.equal(meta?.field("finalizers")?.patchStrategy, "merge");
    assert.equal(meta?.field("finalizers")?.listType, "set");
    const labels = meta?.field("labels");
    assert.ok(labels);
    assert.equal(labels.patchStrategy, undefined);
    assert.equal(meta?.field("nope"), undefined);
  });

  it("service ports by port; atomic structs; unknown kinds", () => {
    const svc = patchSchemaFor("", "v1", "Service");
    assert.equal(svc?.field("spec")?.field("ports")?.patchMergeKey, "port");
    assert.deepEqual(svc?.field("spec")?.field("ports")?.listMapKeys, ["port", "protocol"]);
    assert.equal(svc?.field("spec")?.field("selector")?.mapType, "atomic");
    const rs = patchSchemaFor("apps", "v1", "ReplicaSet");
    assert.equal(rs?.field("spec")?.field("selector")?.mapType, "atomic");
    assert.equal(patchSchemaFor("example.com", "v1", "Widget"), undefined);
  });
});
