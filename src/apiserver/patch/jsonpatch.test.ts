import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadRequestError, RequestEntityTooLargeError, toStatus } from "../../api/errors.ts";
import { PatchNotApplicableError } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { applyJsonPatch, decodeJsonPatch, type JsonPatchOperation } from "./jsonpatch.ts";

function patch(doc: JsonValue, ops: JsonValue): JsonValue {
  return applyJsonPatch(doc, decodeJsonPatch(ops));
}

function rejects(doc: JsonValue, ops: JsonValue, detail: RegExp): void {
  assert.throws(
    () => patch(doc, ops),
    (err: unknown) => err instanceof PatchNotApplicableError && detail.test(err.detail),
  );
}

describe("applyJsonPatch (RFC 6902)", () => {
  // RFC 6902 Appendix A examples.
  it("A.1 adds an object member", () => {
    assert.deepEqual(patch({ foo: "bar" }, [{ op: "add", path: "/baz", value: "qux" }]), {
      foo: "bar",
      baz: "qux",
    });
  });
  it("A.2 adds an array element", () => {
    assert.deepEqual(patch({ foo: ["bar", "baz"] }, [{ op: "add", path: "/foo/1", value: "qux" }]), {
      foo: ["bar", "qux", "baz"],
    });
  });
  it("A.3/A.4 removes members and elements", () => {
    assert.deepEqual(patch({ baz: "qux", foo: "bar" }, [{ op: "remove", path: "/baz" }]), { foo: "bar" });
    assert.deepEqual(patch({ foo: ["bar", "qux", "baz"] }, [{ op: "remove", path: "/foo/1" }]), {
      foo: ["bar", "baz"],
    });
  });
  it("A.5 replaces a value", () => {
    assert.deepEqual(patch({ baz: "qux", foo: "bar" }, [{ op: "replace", path: "/baz", value: "boo" }]), {
      baz: "boo",
      foo: "bar",
    });
  });
  it("A.6/A.7 moves values", () => {
    const doc = { foo: { bar: "baz", waldo: "fred" }, qux: { corge: "grault" } };
    assert.deepEqual(patch(doc, [{ op: "move", from: "/foo/waldo", path: "/qux/thud" }]), {
      foo: { bar: "baz" },
      qux: { corge: "grault", thud: "fred" },
    });
    assert.deepEqual(
      patch({ foo: ["all", "grass", "cows", "eat"] }, [{ op: "move", from: "/foo/1", path: "/foo/3" }]),
      {
        foo: ["all", "cows", "eat", "grass"],
      },
    );
  });
  it("A.8/A.9 tests values", () => {
    const doc = { baz: "qux", foo: ["a", 2, "c"] };
    assert.deepEqual(
      patch(doc, [
        { op: "test", path: "/baz", value: "qux" },
        { op: "test", path: "/foo/1", value: 2 },
      ]),
      doc,
    );
    rejects({ baz: "qux" }, [{ op: "test", path: "/baz", value: "bar" }], /^testing value \/baz failed/);
  });
  it("A.10 adds a nested member object", () => {
    assert.deepEqual(patch({ foo: "bar" }, [{ op: "add", path: "/child", value: { grandchild: {} } }]), {
      foo: "bar",
      child: { grandchild: {} },
    });
  });
  it("A.12 refuses to add to a nonexistent target", () => {
    rejects({ foo: "bar" }, [{ op: "add", path: "/baz/bat", value: "qux" }], /add operation does not apply/);
  });
  it("A.14 handles ~0 and ~1 escapes", () => {
    const doc = { "/": 9, "~1": 10, "a/b": 1 };
    assert.deepEqual(
      patch(doc, [
        { op: "test", path: "/~01", value: 10 },
        { op: "replace", path: "/a~1b", value: 2 },
        { op: "add", path: "/~1", value: 8 },
      ]),
      { "/": 8, "~1": 10, "a/b": 2 },
    );
  });
  it("A.15 compares strings and numbers strictly", () => {
    rejects({ "/": 9, "~1": 10 }, [{ op: "test", path: "/~01", value: "10" }], /test failed/);
  });
  it("A.16 appends with -", () => {
    assert.deepEqual(patch({ foo: ["bar"] }, [{ op: "add", path: "/foo/-", value: ["abc", "def"] }]), {
      foo: ["bar", ["abc", "def"]],
    });
  });
  it("copies values, deeply", () => {
    const result = patch({ a: { b: [1] } }, [
      { op: "copy", from: "/a", path: "/c" },
      { op: "add", path: "/c/b/-", value: 2 },
    ]);
    assert.deepEqual(result, { a: { b: [1] }, c: { b: [1, 2] } });
  });
  it("accepts negative indexes like evanphx/json-patch", () => {
    assert.deepEqual(patch({ a: [1, 2, 3] }, [{ op: "remove", path: "/a/-1" }]), { a: [1, 2] });
  });
  it("treats a missing member as equal to null in test", () => {
    assert.deepEqual(patch({ a: 1 }, [{ op: "test", path: "/b", value: null }]), { a: 1 });
  });
  it("replaces the whole document at the empty pointer", () => {
    assert.deepEqual(patch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }]), { b: 2 });
  });

  it("applies kubectl rollout undo's body", () => {
    const deployment = {
      metadata: { name: "web", annotations: { "deployment.kubernetes.io/revision": "2" } },
      spec: { replicas: 2, template: { spec: { containers: [{ name: "web", image: "nginx:2" }] } } },
    };
    const template = {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "web", image: "nginx:1" }] },
    };
    const annotations = { "deployment.kubernetes.io/revision": "1" };
    const result = patch(deployment, [
      { op: "replace", path: "/spec/template", value: template },
      { op: "replace", path: "/metadata/annotations", value: annotations },
    ]);
    assert.deepEqual(result, {
      metadata: { name: "web", annotations },
      spec: { replicas: 2, template },
    });
  });

  it("is atomic and never mutates its input", () => {
    const doc = { a: [1], b: "x" };
    const ops: JsonPatchOperation[] = [
      { op: "add", path: "/a/-", value: 2 },
      { op: "remove", path: "/b" },
      { op: "remove", path: "/missing" },
    ];
    assert.throws(() => applyJsonPatch(doc, ops), PatchNotApplicableError);
    assert.deepEqual(doc, { a: [1], b: "x" });
  });

  it("rejects failing operations with Kubernetes' generic 422", () => {
    rejects({ a: 1 }, [{ op: "remove", path: "/b" }], /Unable to remove nonexistent key: b/);
    rejects({ a: 1 }, [{ op: "replace", path: "/b", value: 1 }], /replace operation does not apply/);
    rejects({ a: [] }, [{ op: "add", path: "/a/5", value: 1 }], /invalid index/);
    rejects({ a: 1 }, [{ op: "move", from: "/x", path: "/y" }], /missing from path/);
    rejects({ a: 1 }, [{ op: "frobnicate", path: "/a" }], /Unexpected kind: frobnicate/);
    try {
      patch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }]);
      assert.fail("expected a failure");
    } catch (err) {
      assert.deepEqual(toStatus(err), {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "the server rejected our request due to an error in our request",
        reason: "Invalid",
        code: 422,
      });
    }
  });

  it("rejects bodies that are not a list of operations with 400", () => {
    assert.throws(() => decodeJsonPatch({ op: "add" }), BadRequestError);
    assert.throws(() => decodeJsonPatch([1]), BadRequestError);
  });

  it("limits the number of operations (413)", () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: "test", path: "/a", value: 1 }));
    assert.throws(() => applyJsonPatch({ a: 1 }, ops), RequestEntityTooLargeError);
  });
});
