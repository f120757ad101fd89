import assert from "node:assert/strict";
import { it } from "node:test";
import type { ObjectLike } from "../object.ts";
import { Indexer, namespaceIndex, objectKey, splitKey } from "./indexer.ts";

type Obj = ObjectLike & { node?: string };
const obj = (ns: string, name: string, node = "", rv = "1"): Obj => ({
  metadata: { namespace: ns || undefined, name, resourceVersion: rv },
  node,
});

it("keys objects and keeps namespace and custom indexes up to date", () => {
  const idx = new Indexer<Obj>();
  idx.addIndex("node", (o) => (o.node ? [o.node] : []));
  idx.set(obj("a", "p1", "n1"));
  idx.set(obj("a", "p2", "n2"));
  idx.set(obj("b", "p3", "n1"));
  idx.set(obj("", "cluster-scoped"));
  assert.equal(objectKey(obj("a", "p1")), "a/p1");
  assert.deepEqual(splitKey("a/p1"), { namespace: "a", name: "p1" });
  assert.deepEqual(splitKey("n"), { namespace: "", name: "n" });
  const names = (list: Obj[]) => list.map((o) => o.metadata?.name).sort();
  assert.deepEqual(names(idx.byIndex(namespaceIndex, "a")), ["p1", "p2"]);
  assert.deepEqual(names(idx.byIndex("node", "n1")), ["p1", "p3"]);
  idx.set(obj("a", "p1", "n2", "2"));
  assert.deepEqual(names(idx.byIndex("node", "n1")), ["p3"]);
  assert.deepEqual(names(idx.byIndex("node", "n2")), ["p1", "p2"]);
  assert.equal(idx.delete("b/p3")?.metadata?.name, "p3");
  assert.deepEqual(idx.byIndex("node", "n1"), []);
  assert.equal(idx.get("cluster-scoped")?.metadata?.name, "cluster-scoped");
  assert.equal(idx.size, 3);
  assert.throws(() => idx.byIndex("missing", "x"));
});
