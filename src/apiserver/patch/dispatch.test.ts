import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadRequestError, toStatus, UnsupportedMediaTypeError } from "../../api/errors.ts";
import { applyPatch, patchTypeOf } from "./dispatch.ts";
import { PatchNotApplicableError } from "./errors.ts";
import { deploymentSchema } from "./testschema.ts";

const deployment = {
  metadata: { name: "web" },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          { name: "web", image: "a" },
          { name: "b", image: "b" },
        ],
      },
    },
  },
};

describe("patchTypeOf", () => {
  it("recognises the four patch media types, ignoring parameters and case", () => {
    assert.equal(patchTypeOf("application/json-patch+json"), "json");
    assert.equal(patchTypeOf("application/merge-patch+json; charset=utf-8"), "merge");
    assert.equal(patchTypeOf("Application/Strategic-Merge-Patch+JSON"), "strategic");
    assert.equal(patchTypeOf("application/apply-patch+yaml"), "apply");
    assert.equal(patchTypeOf("application/json"), undefined);
    assert.equal(patchTypeOf(undefined), undefined);
  });
});

describe("applyPatch", () => {
  it("dispatches a strategic merge patch with the schema", () => {
    const result = applyPatch({
      contentType: "application/strategic-merge-patch+json",
      original: deployment,
      body: JSON.stringify({ spec: { template: { spec: { containers: [{ name: "web", image: "c" }] } } } }),
      schema: deploymentSchema,
    });
    assert.deepEqual(result, {
      metadata: { name: "web" },
      spec: {
        replicas: 1,
        template: {
          spec: {
            containers: [
              { name: "web", image: "c" },
              { name: "b", image: "b" },
            ],
          },
        },
      },
    });
  });

  it("dispatches a merge patch (lists replaced) from bytes", () => {
    const result = applyPatch({
      contentType: "application/merge-patch+json",
      original: deployment,
      body: new TextEncoder().encode('{"spec":{"replicas":3,"template":{"spec":{"containers":[]}}}}'),
      schema: deploymentSchema,
    });
    assert.deepEqual(result, {
      metadata: { name: "web" },
      spec: { replicas: 3, template: { spec: { containers: [] } } },
    });
  });

  it("dispatches a JSON patch", () => {
    const result = applyPatch({
      contentType: "application/json-patch+json",
      original: deployment,
      body: '[{"op":"replace","path":"/spec/replicas","value":5}]',
      schema: undefined,
    });
    assert.equal((result as { spec: { replicas: number } }).spec.replicas, 5);
  });

  it("answers 400 for undecodable bodies", () => {
    for (const contentType of [
      "application/json-patch+json",
      "application/merge-patch+json",
      "application/strategic-merge-patch+json",
    ]) {
      assert.throws(
        () => applyPatch({ contentType, original: deployment, body: "{nope", schema: undefined }),
        BadRequestError,
      );
    }
    assert.throws(
      () =>
        applyPatch({
          contentType: "application/strategic-merge-patch+json",
          original: deployment,
          body: "[1]",
          schema: undefined,
        }),
      BadRequestError,
    );
  });

  it("answers 422 for a failing JSON-patch test", () => {
    assert.throws(
      () =>
        applyPatch({
          contentType: "application/json-patch+json",
          original: deployment,
          body: '[{"op":"test","path":"/spec/replicas","value":2}]',
          schema: undefined,
        }),
      PatchNotApplicableError,
    );
  });

  it("answers 415 for other media types", () => {
    for (const contentType of ["application/json", "application/apply-patch+yaml", undefined]) {
      assert.throws(
        () => applyPatch({ contentType, original: deployment, body: "{}", schema: undefined }),
        (err: unknown) => err instanceof UnsupportedMediaTypeError && toStatus(err).code === 415,
      );
    }
  });
});
