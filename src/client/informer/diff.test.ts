import assert from "node:assert/strict";
import { it } from "node:test";
import type { ObjectLike } from "../object.ts";
import { diffList } from "./diff.ts";

const o = (name: string, rv: string, uid = name): ObjectLike => ({
  metadata: { namespace: "ns", name, resourceVersion: rv, uid },
});

it("finds adds, updates, deletes and re-creations between the cache and a list", () => {
  const cached: [string, ObjectLike][] = [
    ["ns/same", o("same", "1")],
    ["ns/changed", o("changed", "1")],
    ["ns/gone", o("gone", "1")],
    ["ns/recreated", o("recreated", "1", "old-uid")],
  ];
  const listed = [o("same", "1"), o("changed", "5"), o("new", "6"), o("recreated", "7", "new-uid")];
  const d = diffList(cached, listed);
  const names = (l: ObjectLike[]) =>
    l.map((x) => `${x.metadata?.name}@${x.metadata?.resourceVersion}`).sort();
  assert.deepEqual(names(d.added), ["new@6", "recreated@7"]);
  assert.deepEqual(
    d.updated.map(([a, b]) => `${a.metadata?.resourceVersion}->${b.metadata?.resourceVersion}`),
    ["1->5"],
  );
  assert.deepEqual(names(d.deleted), ["gone@1", "recreated@1"]);
});
