import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "../../../test/metrics-prom/expfmt.ts";
import { tempDir } from "../../../test/support/tempdir.ts";
import { coreV1Resources } from "../../api/core/index.ts";
import { groupResources } from "../../api/groups.ts";
import { Registry as MetricsRegistry } from "../../metrics/index.ts";
import { SqliteStore } from "../../storage/sqlite/sqlite-store.ts";
import { InstrumentedStore, KeyTypes, registerStorageObjects } from "./store.ts";

const defs = [...coreV1Resources, ...groupResources()];

test("keys resolve to upstream's group-resource strings", () => {
  const types = new KeyTypes(() => defs);
  assert.equal(types.typeOf("pods/default/p"), "pods");
  assert.equal(types.typeOf("apps/deployments/default/d"), "deployments.apps");
  assert.equal(types.typeOf("namespaces/default"), "namespaces");
  assert.equal(types.typeOf("unknown/x"), "unknown");
});

test("every Store operation is timed by operation and type; objects are counted per resource", async () => {
  const dir = tempDir();
  const store = SqliteStore.open({ path: `${dir.path}/state.db` });
  try {
    const registry = new MetricsRegistry();
    const s = new InstrumentedStore(store, new KeyTypes(() => defs), registry);
    const kv = await s.create("configmaps/default/a", "{}");
    await s.create("apps/deployments/default/d", "{}");
    await s.get("configmaps/default/a");
    await s.update("configmaps/default/a", "{}", kv.modRevision);
    await s.list("configmaps/");
    await s.delete("apps/deployments/default/d");
    await assert.rejects(s.get("configmaps/default/a").then(() => s.create("configmaps/default/a", "{}")));
    const remove = registerStorageObjects(store, () => defs, { registry, cacheMs: 0 });
    let f = parseExposition(await registry.expose());
    const count = (operation: string, type: string) =>
      sumOf(f, "etcd_request_duration_seconds", { operation, type }, "etcd_request_duration_seconds_count");
    assert.equal(count("create", "configmaps"), 2);
    assert.equal(count("create", "deployments.apps"), 1);
    assert.equal(count("get", "configmaps"), 2);
    assert.equal(count("update", "configmaps"), 1);
    assert.equal(count("list", "configmaps"), 1);
    assert.equal(count("delete", "deployments.apps"), 1);
    assert.equal(sumOf(f, "apiserver_storage_objects", { resource: "configmaps" }), 1);
    assert.equal(sumOf(f, "apiserver_storage_objects", { resource: "deployments.apps" }), 0);
    remove();
    f = parseExposition(await registry.expose());
    assert.equal(f.has("apiserver_storage_objects"), false);
  } finally {
    await store.close();
    dir.remove();
  }
});
