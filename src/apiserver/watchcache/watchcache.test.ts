import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { configMapDef } from "../../../test/support/testresources.ts";
import { inProcessRequest } from "../inprocess.ts";
import { WatchCache } from "./watchcache.ts";

let api: TestApi;
let cache: WatchCache;
before(async () => {
  // A second cache with a tiny event window over the handler's Store.
  api = new TestApi();
  cache = new WatchCache({ store: api.store, historySize: 5 });
  await cache.start();
  await api.seed();
});
after(async () => {
  cache.stop();
  await api.close();
});

const cm = (name: string) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name } });

test("a list right after a write sees it (consistent read from memory)", async () => {
  for (let i = 0; i < 3; i++) {
    const r = await api.request("POST", "/api/v1/namespaces/default/configmaps", cm(`c${i}`));
    assert.equal(r.status, 201);
    const page = await cache.list(configMapDef, { namespace: "default" });
    assert.ok(page.items.some((o) => o.metadata?.name === `c${i}`));
    assert.equal(page.revision, await api.store.currentRevision());
  }
  const all = await cache.list(configMapDef, {});
  assert.deepEqual(
    all.items.map((o) => o.metadata?.name),
    ["c0", "c1", "c2"],
  );
});

test("limit beyond the cached count pages through the Store", async () => {
  const page = await cache.list(configMapDef, { namespace: "default", limit: 2 });
  assert.equal(page.items.length, 2);
  assert.ok(page.continue);
});

test("watch replays from the window, and older revisions fall back to the Store", async () => {
  const start = await api.store.currentRevision();
  await api.request("POST", "/api/v1/namespaces/default/configmaps", cm("w1"));
  await api.request("DELETE", "/api/v1/namespaces/default/configmaps/w1");
  const seen: string[] = [];
  const w = cache.watch(
    configMapDef,
    { namespace: "default", fromRevision: start },
    {
      onEvents: (events) => {
        for (const e of events) seen.push(`${e.type}:${e.object.metadata?.name}`);
      },
      onError: (err) => assert.fail(String(err)),
    },
  );
  await api.request("POST", "/api/v1/namespaces/default/configmaps", cm("w2"));
  w.close();
  assert.deepEqual(seen, ["ADDED:w1", "DELETED:w1", "ADDED:w2"]);

  const old: string[] = [];
  const w0 = cache.watch(
    configMapDef,
    { namespace: "default", fromRevision: 1 },
    {
      onEvents: (events) => {
        for (const e of events) old.push(`${e.type}:${e.object.metadata?.name}`);
      },
      onError: (err) => assert.fail(String(err)),
    },
  );
  await new Promise((r) => setTimeout(r, 50));
  w0.close();
  assert.deepEqual(old.slice(0, 3), ["ADDED:c0", "ADDED:c1", "ADDED:c2"]);
});

test("handler requests still work alongside the cache", async () => {
  const res = await inProcessRequest(api.handler, { method: "GET", path: "/version" });
  assert.equal(res.status, 200);
});
