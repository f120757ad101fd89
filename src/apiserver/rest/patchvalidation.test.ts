import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidError, toStatus } from "../../api/errors.ts";
import { checkPatchedFields, goFormat, pruneUnknownFields, removeAt } from "./patchvalidation.ts";

const target = { group: "", version: "v1", kind: "ConfigMap" };
const cm = (extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "x" },
  data: { a: "1" },
  ...extra,
});

describe("checkPatchedFields", () => {
  const check = (directive: "Strict" | "Warn" | "Ignore", patched: unknown, current: unknown = cm()) =>
    checkPatchedFields({ target, current, patched, directive, shownValue: () => "shown" });

  it("warns about unknown fields the patch brought in", () => {
    assert.deepEqual(check("Warn", cm({ bogus: 1 })), ['unknown field "bogus"']);
    assert.deepEqual(check("Ignore", cm({ bogus: 1 })), []);
  });

  it("does not report unknown fields the stored object already had", () => {
    assert.deepEqual(check("Warn", cm({ old: 1, bogus: 2 }), cm({ old: 1 })), ['unknown field "bogus"']);
  });

  it("refuses them under Strict with Kubernetes' 422 on the patch field", () => {
    assert.throws(
      () => check("Strict", cm({ bogus: 1 })),
      (err: unknown) => {
        assert.ok(err instanceof InvalidError);
        const status = toStatus(err);
        assert.equal(status.code, 422);
        assert.deepEqual(status.details?.causes, [
          {
            reason: "FieldValueInvalid",
            message: 'Invalid value: "shown": strict decoding error: unknown field "bogus"',
            field: "patch",
          },
        ]);
        return true;
      },
    );
    assert.deepEqual(check("Strict", cm({ data: { b: "2" } })), []);
  });
});

describe("removeAt / pruneUnknownFields", () => {
  it("removes members through arrays and dotted map keys", () => {
    const obj = {
      spec: { containers: [{ name: "a" }, { name: "b", bogus: 1 }] },
      m: { "a.b": { c: 1, d: 2 } },
    };
    removeAt(obj, "spec.containers[1].bogus");
    removeAt(obj, "m.a.b.c");
    assert.deepEqual(obj, { spec: { containers: [{ name: "a" }, { name: "b" }] }, m: { "a.b": { d: 2 } } });
  });

  it("drops what the schema does not declare and keeps map keys", () => {
    const obj = cm({ bogus: 1, metadata: { name: "x", labels: { "app.kubernetes.io/x": "y" } } });
    pruneUnknownFields(target, obj);
    assert.deepEqual(obj, cm({ metadata: { name: "x", labels: { "app.kubernetes.io/x": "y" } } }));
  });
});

describe("goFormat", () => {
  it("prints like Go's %+v of decoded JSON", () => {
    assert.equal(goFormat({ spec: { b: [1, "x", null], a: true } }), "map[spec:map[a:true b:[1 x <nil>]]]");
  });
});
