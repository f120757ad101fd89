import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { podTemplates } from "./podtemplate.ts";

const now = new Date("2024-05-01T12:00:00Z");

const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

describe("podtemplates", () => {
  it("defaults and validates the template", () => {
    const pt: KubeObject = {
      metadata: { name: "t", namespace: "default" },
      template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "busybox" }] } },
    };
    podTemplates.strategy.defaults?.(pt);
    assert.deepEqual(podTemplates.strategy.validate?.(pt), []);
    assert.deepEqual(podTemplates.strategy.table?.cells(pt, now), ["t", "c", "busybox", "a=b"]);
    const bad: KubeObject = {
      metadata: { name: "t", namespace: "default" },
      template: { spec: { containers: [] } },
    };
    podTemplates.strategy.defaults?.(bad);
    assert.deepEqual(fields(podTemplates.strategy.validate?.(bad)), [
      ["FieldValueRequired", "template.spec.containers"],
    ]);
  });
});
