import assert from "node:assert/strict";
import { test } from "node:test";
import type { DiscoveredResource } from "./discovery.ts";
import { type GraphNode, OwnerGraph } from "./graph.ts";

const r: DiscoveredResource = {
  group: "",
  version: "v1",
  resource: "configmaps",
  kind: "ConfigMap",
  namespaced: true,
  verbs: [],
  preferred: true,
};
const node = (uid: string, owners: { uid: string; block?: boolean }[] = []): GraphNode => ({
  uid,
  resource: r,
  namespace: "d",
  name: uid,
  owners: owners.map((o) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    name: o.uid,
    uid: o.uid,
    blockOwnerDeletion: o.block ?? false,
  })),
  finalizers: [],
  deleting: false,
});

test("dependents are indexed by owner uid, even before the owner is observed, and follow updates", () => {
  const g = new OwnerGraph();
  assert.equal(g.upsert(node("a", [{ uid: "o", block: true }])).ownersChanged, true);
  g.upsert(node("b", [{ uid: "o" }]));
  assert.deepEqual(
    g.dependents("o").map((d) => d.uid),
    ["a", "b"],
  );
  assert.deepEqual(
    g.blockingDependents("o").map((d) => d.uid),
    ["a"],
  );
  assert.equal(g.upsert(node("b", [{ uid: "o" }])).ownersChanged, false);
  assert.equal(g.upsert(node("b", [])).ownersChanged, true);
  g.remove("a");
  assert.deepEqual(g.dependents("o"), []);
});
