import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath } from "../field.ts";
import { defaultPodTemplateSpec } from "./podspec-defaults.ts";
import { validateReplicatedPodTemplate } from "./workload-template.ts";

const at = FieldPath.root("spec").child("template");

describe("replicated pod templates", () => {
  it("accepts a matching template and reports mismatches the Kubernetes way", () => {
    const template = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "x" }] },
    };
    defaultPodTemplateSpec(template);
    const opts = { kind: "ReplicaSet", selectorMatches: (l: Record<string, string>) => l.app === "web" };
    assert.deepEqual(validateReplicatedPodTemplate(template, at, opts), []);
    const errs = validateReplicatedPodTemplate(
      { ...template, metadata: { labels: { app: "db" } } },
      at,
      opts,
    );
    assert.deepEqual(
      errs.map((e) => [e.field, e.detail]),
      [["spec.template.metadata.labels", "`selector` does not match template `labels`"]],
    );
    const jobLike = validateReplicatedPodTemplate(
      { ...template, spec: { ...template.spec, restartPolicy: "Never" } },
      at,
      { ...opts, restartPolicies: ["OnFailure", "Never"] },
    );
    assert.deepEqual(jobLike, []);
    assert.deepEqual(
      validateReplicatedPodTemplate(undefined, at, opts).map((e) => [e.type, e.field]),
      [["FieldValueRequired", "spec.template"]],
    );
  });
});
