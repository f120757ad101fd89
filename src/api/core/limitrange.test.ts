import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { limitRanges } from "./limitrange.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "lr", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" };
const fields = (errs: { type: string; field: string; detail?: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.field, e.detail]);

describe("limitranges", () => {
  it("defaults container limits and requests from max and min", () => {
    const lr: KubeObject = {
      metadata: meta,
      spec: { limits: [{ type: "Container", max: { cpu: "2" }, min: { memory: "64Mi" } }] },
    };
    limitRanges.strategy.defaults?.(lr);
    assert.deepEqual((lr.spec as { limits: unknown[] }).limits[0], {
      type: "Container",
      max: { cpu: "2" },
      min: { memory: "64Mi" },
      default: { cpu: "2" },
      defaultRequest: { memory: "64Mi", cpu: "2" },
    });
    assert.deepEqual(limitRanges.strategy.validate?.(lr), []);
    assert.deepEqual(limitRanges.strategy.table?.cells(lr, now), ["lr", "2024-05-01T11:00:00Z"]);
  });

  it("checks the ordering of bounds", () => {
    const lr: KubeObject = {
      metadata: meta,
      spec: {
        limits: [
          { type: "Container", max: { cpu: "1" }, min: { cpu: "2" }, maxLimitRequestRatio: { cpu: "500m" } },
          { type: "Pod", default: { cpu: "1" } },
        ],
      },
    };
    assert.deepEqual(fields(limitRanges.strategy.validate?.(lr)), [
      ["spec.limits[0].min[cpu]", "min value 2 is greater than max value 1"],
      ["spec.limits[0].maxLimitRequestRatio[cpu]", "ratio 500m is less than 1"],
      ["spec.limits[1].default", "may not be specified when `type` is 'Pod'"],
    ]);
  });
});
