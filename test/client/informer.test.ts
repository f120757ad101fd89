// Informers against a real API server: initial sync, live events, watch re-establishment from
// the last resourceVersion, convergence after a compaction forces 410 Gone, resync, sharing.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { configMaps } from "../../src/api/core/index.ts";
import { SharedInformerFactory } from "../../src/client/informer/factory.ts";
import { namespaceIndex } from "../../src/client/informer/indexer.ts";
import { dropManagedFields, Informer } from "../../src/client/informer/informer.ts";
import { RestClient } from "../../src/client/rest.ts";
import { eventually, GatedTransport } from "./gated-transport.ts";
import { type ClientFixture, startApi } from "./support.ts";

/** What an event handler that keeps a mirror sees: name → data.v, from add/update/delete only. */
function mirror(informer: Informer<ConfigMap>) {
  const state = new Map<string, string>();
  const counts = { add: 0, update: 0, delete: 0, resync: 0 };
  informer.addEventHandler({
    onAdd: (o) => {
      counts.add++;
      state.set(o.metadata?.name ?? "", o.data?.v ?? "");
    },
    onUpdate: (old, o) => {
      if (old === o) counts.resync++;
      else counts.update++;
      state.set(o.metadata?.name ?? "", o.data?.v ?? "");
    },
    onDelete: (o) => {
      counts.delete++;
      state.delete(o.metadata?.name ?? "");
    },
  });
  return { state, counts };
}

const cm = (name: string, v: string): ConfigMap => ({
  metadata: { name, namespace: "default" },
  data: { v },
});

describe("Informer", () => {
  let f: ClientFixture | undefined;
  let gated: GatedTransport | undefined;
  const stoppers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stoppers.splice(0)) await s();
    await f?.close();
  });

  async function setup(watchCache = false) {
    f = await startApi({
      watchCache,
      wrap: (t) => {
        gated = new GatedTransport(t);
        return gated;
      },
    });
    const g = gated;
    assert.ok(g);
    return { f, gated: g, cms: f.client.resource<ConfigMap>(configMaps) };
  }

  async function serverState(fx: ClientFixture): Promise<Map<string, string>> {
    const list = await fx.client.resource<ConfigMap>(configMaps).list({ namespace: "default" });
    return new Map(list.items.map((o) => [o.metadata?.name ?? "", o.data?.v ?? ""]));
  }

  it("syncs, follows changes, and re-watches from the last resourceVersion without re-listing", async () => {
    const { f, gated, cms } = await setup();
    await cms.create(cm("a", "1"));
    const informer = new Informer<ConfigMap>({ client: cms, namespace: "default" });
    stoppers.push(() => informer.stop());
    const m = mirror(informer);
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    assert.equal(informer.hasSynced(), true);
    assert.deepEqual([...m.state], [["a", "1"]]);
    await cms.create(cm("b", "1"));
    await eventually(() => assert.equal(m.state.get("b"), "1"));

    gated.cut();
    await cms.update({ ...(await cms.get("a", { namespace: "default" })), data: { v: "2" } });
    await cms.delete("b", { namespace: "default" });
    await cms.create(cm("c", "1"));
    gated.reopen();
    await eventually(async () => assert.deepEqual(m.state, await serverState(f)));
    assert.equal(gated.lists, 1, "missed events came from the watch, not a re-list");
    assert.ok(gated.watches >= 2);
    assert.equal(m.counts.delete, 1);
  });

  it("converges after compaction makes its resourceVersion 410 Gone (re-list and diff)", async () => {
    const { f, gated, cms } = await setup();
    for (const n of ["a", "b", "c", "d"]) await cms.create(cm(n, "1"));
    const errors: unknown[] = [];
    const informer = new Informer<ConfigMap>({
      client: cms,
      namespace: "default",
      onError: (e) => errors.push(e),
    });
    stoppers.push(() => informer.stop());
    const m = mirror(informer);
    informer.start();
    await informer.waitForSync();
    const rvBefore = informer.lastSyncResourceVersion();

    gated.cut();
    await cms.update({ ...(await cms.get("a", { namespace: "default" })), data: { v: "2" } });
    await cms.delete("b", { namespace: "default" });
    await cms.delete("c", { namespace: "default" });
    await cms.create(cm("c", "re-created"));
    await cms.create(cm("e", "1"));
    await f.api.store.compact(await f.api.store.currentRevision());
    gated.reopen();

    await eventually(async () => assert.deepEqual(m.state, await serverState(f)));
    assert.equal(gated.lists, 2, "a 410 Gone forced exactly one re-list");
    assert.notEqual(informer.lastSyncResourceVersion(), rvBefore);
    assert.equal(m.state.get("c"), "re-created");
    assert.equal(m.counts.delete, 2, "b deleted, old c deleted before the new c was added");
    assert.deepEqual(errors, [], "Gone is handled, not reported");
    assert.deepEqual(
      informer.indexer
        .byIndex(namespaceIndex, "default")
        .map((o) => o.metadata?.name)
        .sort(),
      ["a", "c", "d", "e"],
    );
  });

  it("re-watches when the server ends the watch (timeoutSeconds) through the watch cache", async () => {
    const { gated, cms } = await setup(true);
    const informer = new Informer<ConfigMap>({ client: cms, namespace: "default", watchTimeoutSeconds: 1 });
    stoppers.push(() => informer.stop());
    const m = mirror(informer);
    informer.start();
    await informer.waitForSync();
    await eventually(() => assert.ok(gated.watches >= 2, "re-watched"), 200);
    await cms.create(cm("after", "1"));
    await eventually(() => assert.equal(m.state.get("after"), "1"));
    assert.equal(gated.lists, 1);
  });

  it("resyncs cached objects as updates with the same object", async () => {
    const { cms } = await setup();
    await cms.create(cm("r", "1"));
    const informer = new Informer<ConfigMap>({ client: cms, namespace: "default", resyncPeriodMs: 20 });
    stoppers.push(() => informer.stop());
    const m = mirror(informer);
    informer.start();
    await informer.waitForSync();
    await eventually(() => assert.ok(m.counts.resync >= 2, "resynced"));
    assert.equal(m.counts.update, 0);
  });

  it("transforms objects before caching them: dropManagedFields on list and watch", async () => {
    const { cms } = await setup();
    await cms.create(cm("t1", "1"));
    const informer = new Informer<ConfigMap>({
      client: cms,
      namespace: "default",
      transform: dropManagedFields,
    });
    stoppers.push(() => informer.stop());
    const m = mirror(informer);
    informer.start();
    await informer.waitForSync();
    await cms.create(cm("t2", "1"));
    await eventually(() => assert.equal(m.state.get("t2"), "1"));
    assert.ok(
      (await cms.get("t2", { namespace: "default" })).metadata?.managedFields,
      "the server keeps them",
    );
    for (const name of ["t1", "t2"]) {
      const cached = informer.indexer.get(`default/${name}`);
      assert.equal(cached?.metadata?.name, name);
      assert.equal(cached?.metadata?.managedFields, undefined);
    }
  });

  it("shares one informer per resource and scope in a factory; a late handler gets the cache", async () => {
    const { f, gated, cms } = await setup();
    await cms.create(cm("s", "1"));
    const factory = new SharedInformerFactory({ client: f.client });
    stoppers.push(() => factory.stop());
    const one = factory.informerFor<ConfigMap>(configMaps);
    const two = factory.informerFor<ConfigMap>(configMaps, {}, { byValue: (o) => [o.data?.v ?? ""] });
    const other = factory.informerFor<ConfigMap>(configMaps, { namespace: "kube-system" });
    assert.equal(one, two);
    assert.notEqual(one, other);
    factory.start();
    assert.equal(await factory.waitForCacheSync(), true);
    assert.equal(gated.lists, 2);
    assert.deepEqual(
      one.indexer.byIndex("byValue", "1").map((o) => o.metadata?.name),
      ["s"],
    );
    const late = mirror(one);
    assert.equal(late.state.get("s"), "1");
  });

  it("stop() ends a watch that is waiting for its server and leaves nothing behind", async () => {
    const { f } = await setup();
    const transport = new GatedTransport(f.transport);
    const client = new RestClient({ transport });
    const informer = new Informer<ConfigMap>({ client: client.resource<ConfigMap>(configMaps) });
    informer.start();
    await informer.waitForSync();
    await eventually(() => assert.equal(transport.watches, 1));
    await informer.stop();
    assert.equal(informer.stopped, true);
    assert.equal(await informer.waitForSync(), true);
  });
});
