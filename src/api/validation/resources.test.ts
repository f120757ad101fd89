import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath } from "../field.ts";
import {
  canonicalizeResourceList,
  isExtendedResourceName,
  validateResourceList,
  validateResourceRequirements,
} from "./resources.ts";

const at = FieldPath.root("resources");
const summary = (errs: { type: string; field: string; detail?: string }[]) =>
  errs.map((e) => [e.type, e.field, e.detail]);

describe("resource validation", () => {
  it("classifies resource names", () => {
    assert.ok(isExtendedResourceName("example.com/gpu"));
    assert.ok(!isExtendedResourceName("cpu"));
    assert.ok(!isExtendedResourceName("kubernetes.io/something"));
  });

  it("accepts valid requirements", () => {
    assert.deepEqual(
      validateResourceRequirements({ requests: { cpu: "100m" }, limits: { cpu: "1", memory: "1Gi" } }, at),
      [],
    );
  });

  it("rejects unknown names, negative values and requests above limits", () => {
    const errs = validateResourceRequirements(
      { limits: { cpu: "1", widgets: "1" }, requests: { cpu: "2", memory: "-1" } },
      at,
    );
    assert.deepEqual(summary(errs), [
      ["FieldValueInvalid", "resources.limits[widgets]", "must be a standard resource for containers"],
      ["FieldValueInvalid", "resources.requests", "must be less than or equal to cpu limit of 1"],
      ["FieldValueInvalid", "resources.requests[memory]", "must be greater than or equal to 0"],
    ]);
  });

  it("requires equal requests and limits for extended resources", () => {
    assert.deepEqual(summary(validateResourceRequirements({ requests: { "example.com/gpu": "1" } }, at)), [
      ["FieldValueRequired", "resources.limits", "Limit must be set for non overcommitable resources"],
    ]);
    assert.deepEqual(
      summary(
        validateResourceRequirements(
          { limits: { "example.com/gpu": "2" }, requests: { "example.com/gpu": "1" } },
          at,
        ),
      ),
      [["FieldValueInvalid", "resources.requests", "must be equal to example.com/gpu limit of 2"]],
    );
    assert.deepEqual(summary(validateResourceRequirements({ limits: { "example.com/gpu": "500m" } }, at)), [
      ["FieldValueInvalid", "resources.limits[example.com/gpu]", "must be an integer"],
    ]);
  });

  it("validates plain lists and canonicalizes them", () => {
    assert.deepEqual(
      summary(validateResourceList({ storage: "x" }, FieldPath.root("capacity"))).map((e) => e[1]),
      ["capacity[storage]"],
    );
    assert.deepEqual(canonicalizeResourceList({ a: "0.5", b: 2, c: "bad" }), { a: "500m", b: "2", c: "bad" });
  });
});
