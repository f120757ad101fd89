import assert from "node:assert/strict";
import { test } from "node:test";
import { KeyIndex } from "./keyindex.ts";

function filled(keys: string[]): KeyIndex<string> {
  const index = new KeyIndex<string>();
  for (const k of keys) index.set(k, k);
  return index;
}

/** What the index must return: every key with the prefix, sorted. */
const expected = (keys: string[], prefix: string) => keys.filter((k) => k.startsWith(prefix)).sort();

test("lists of a namespace, of a resource and of arbitrary prefixes match a filtered sorted scan", () => {
  const keys = [
    "pods/default/b",
    "pods/default/a",
    "pods/kube-system/x",
    "pods/a-b/z",
    "pods/a/y",
    "podtemplates/default/t",
    "namespaces/default",
    "namespaces/a",
    "apps/deployments/default/d",
  ];
  const index = filled(keys);
  for (const prefix of ["pods/", "pods/default/", "pods/a/", "namespaces/", "apps/", "", "pod", "zzz/"]) {
    assert.deepEqual(index.list(prefix), expected(keys, prefix), prefix);
  }
  assert.equal(index.size, keys.length);
});

test("a key that is also a path (nested buckets) still lists in key order", () => {
  const keys = ["r/foo/zzz", "r/foo/bar/x", "r/foo/a", "r/foo/bar/y"];
  assert.deepEqual(filled(keys).list("r/foo/"), expected(keys, "r/foo/"));
});

test("updates keep order, deletes remove keys and empty buckets", () => {
  const index = filled(["pods/ns1/a", "pods/ns1/b", "pods/ns2/c"]);
  index.set("pods/ns1/a", "A2");
  assert.deepEqual(index.list("pods/"), ["A2", "pods/ns1/b", "pods/ns2/c"]);
  index.delete("pods/ns2/c");
  index.delete("pods/ns2/none");
  assert.deepEqual(index.list("pods/"), ["A2", "pods/ns1/b"]);
  assert.deepEqual(index.list("pods/ns2/"), []);
  index.set("pods/ns0/z", "z");
  assert.deepEqual(index.list("pods/"), ["z", "A2", "pods/ns1/b"]);
  assert.equal(index.get("pods/ns1/b"), "pods/ns1/b");
  assert.equal(index.size, 3);
  index.clear();
  assert.deepEqual(index.list(""), []);
});
