import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PatchSchema } from "../../../api/patchschema.ts";
import { patchSchemaFor } from "../../../api/schema/patch-schema.ts";
import type { JsonObject } from "../json.ts";
import { memoizedSchema } from "../memoschema.ts";
import { deploymentSchema, podSchema } from "../testschema.ts";
import { DuplicateItemError, diffFields, type KeyedPath } from "./fielddiff.ts";
import { type FieldPathElements, FieldSet, fieldValues } from "./fieldset.ts";

/** The reference: compare every field of both objects, as compareObjects did before diffFields. */
function bySets(
  before: JsonObject,
  after: JsonObject,
  schema: PatchSchema | undefined,
  skip: FieldPathElements[],
) {
  const old = fieldValues(before, schema);
  const now = fieldValues(after, schema);
  const added: FieldPathElements[] = [];
  const modified: FieldPathElements[] = [];
  const removed: FieldPathElements[] = [];
  for (const [key, v] of now) {
    const p = old.get(key);
    if (!p) added.push(v.path);
    else if ((v.leaf || p.leaf) && JSON.stringify(p.value) !== JSON.stringify(v.value)) modified.push(v.path);
  }
  for (const [key, v] of old) if (!now.has(key)) removed.push(v.path);
  const sorted = (paths: FieldPathElements[]) => new FieldSet(paths).without(skip).paths();
  return { added: sorted(added), modified: sorted(modified), removed: sorted(removed) };
}

function check(
  before: JsonObject,
  after: JsonObject,
  schema: PatchSchema | undefined,
  skip: FieldPathElements[] = [],
) {
  const d = diffFields(before, after, schema, skip);
  const paths = (k: KeyedPath[]) => {
    for (const [key, path] of k) assert.equal(key, JSON.stringify(path));
    return FieldSet.fromKeyed(k).paths();
  };
  assert.deepEqual(
    { added: paths(d.added), modified: paths(d.modified), removed: paths(d.removed) },
    bySets(before, after, schema, skip),
  );
}

const pod = (): JsonObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", labels: { app: "a" }, annotations: {} },
  spec: {
    containers: [
      { name: "c", image: "busybox", command: ["sleep", "1"], ports: [{ containerPort: 80 }], resources: {} },
      { name: "d", image: "nginx", env: [{ name: "X", value: "1" }] },
    ],
    tolerations: [{ key: "k", operator: "Exists" }],
    nodeSelector: { a: "b" },
  },
  status: { phase: "Pending" },
});

describe("diffFields", () => {
  const real = memoizedSchema(patchSchemaFor("", "v1", "Pod"));
  for (const [name, schema] of [
    ["real pod schema", real],
    ["test pod schema", podSchema],
    ["no schema", undefined],
  ] as const) {
    it(`matches the field-set comparison (${name})`, () => {
      check({}, pod(), schema);
      check(pod(), {}, schema);
      check(pod(), pod(), schema);
      const changes: ((o: JsonObject) => void)[] = [
        (o) => {
          (o.metadata as JsonObject).labels = { app: "b", x: "y" };
        },
        (o) => {
          (o.metadata as JsonObject).annotations = { a: "1" };
        },
        (o) => {
          (o.metadata as JsonObject).labels = {};
        },
        (o) => {
          (o.metadata as JsonObject).labels = "scalar";
        },
        (o) => {
          ((o.spec as JsonObject).containers as JsonObject[]).reverse();
        },
        (o) => {
          ((o.spec as JsonObject).containers as JsonObject[]).pop();
        },
        (o) => {
          (((o.spec as JsonObject).containers as JsonObject[])[0] as JsonObject).command = ["other"];
        },
        (o) => {
          (((o.spec as JsonObject).containers as JsonObject[])[0] as JsonObject).ports = [];
        },
        (o) => {
          (o.spec as JsonObject).tolerations = [{ key: "j" }, "scalar-item", [1]];
        },
        (o) => {
          (o.spec as JsonObject).containers = { not: "a list" };
        },
        (o) => {
          (o.spec as JsonObject).nodeSelector = null;
        },
        (o) => {
          o.status = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
        },
      ];
      for (const change of changes) {
        const after = pod();
        change(after);
        check(pod(), after, schema);
        check(after, pod(), schema);
        check(pod(), after, schema, [["f:status"], ["f:metadata", "f:name"]]);
      }
    });
  }

  it("handles set lists and atomic values of the deployment test schema", () => {
    const d = (finalizers: string[]): JsonObject => ({
      metadata: { finalizers },
      spec: { selector: { matchLabels: { a: "b" } }, template: { spec: { containers: [{ name: "w" }] } } },
    });
    check(d(["a", "b"]), d(["b", "c"]), deploymentSchema);
  });

  it("refuses lists with two items of one key (the caller falls back to field sets)", () => {
    const after = { spec: { containers: [{ name: "c" }, { name: "c" }] } };
    assert.throws(() => diffFields({}, after, real, []), DuplicateItemError);
  });
});

describe("memoizedSchema", () => {
  it("returns the same child nodes with the same list markers", () => {
    const raw = patchSchemaFor("", "v1", "Pod");
    const memo = memoizedSchema(raw);
    assert.equal(memoizedSchema(raw), memo);
    const containers = memo?.field("spec")?.field("containers");
    assert.equal(containers, memo?.field("spec")?.field("containers"));
    assert.equal(containers?.patchMergeKey, raw?.field("spec")?.field("containers")?.patchMergeKey);
    assert.equal(containers?.items(), containers?.items());
    assert.equal(memo?.field("no-such-field"), undefined);
  });
});
