import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { configMapDef } from "../../../test/support/testresources.ts";
import { GoneError } from "../../api/errors.ts";
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

test("watchers of one resource share each decoded event; LISTs get equal, separate objects", async () => {
  const start = await api.store.currentRevision();
  const received: { type: string; name?: string; rv?: string; object: object }[][] = [[], []];
  const watchers = received.map((into) =>
    cache.watch(
      configMapDef,
      { namespace: "default", fromRevision: start },
      {
        onEvents: (events) => {
          for (const e of events) {
            into.push({
              type: e.type,
              name: e.object.metadata?.name,
              rv: e.object.metadata?.resourceVersion,
              object: e.object,
            });
          }
        },
        onError: (err) => assert.fail(String(err)),
      },
    ),
  );
  const created = await api.request("POST", "/api/v1/namespaces/default/configmaps", cm("shared"));
  assert.equal(created.status, 201);
  const listed = (await cache.list(configMapDef, { namespace: "default" })).items.find(
    (o) => o.metadata?.name === "shared",
  );
  assert.ok(listed);
  // Lists hand out fresh objects (the cache keeps no decoded ones), equal to the event's.
  assert.notEqual(received[0]?.[0]?.object, listed);
  assert.deepEqual(received[0]?.[0]?.object, listed);
  const deleted = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/shared");
  assert.equal(deleted.status, 200);
  for (const w of watchers) w.close();
  const [first, second] = received;
  assert.deepEqual(
    first?.map((e) => `${e.type}:${e.name}`),
    ["ADDED:shared", "DELETED:shared"],
  );
  assert.equal(first?.length, second?.length);
  for (const [i, e] of (first ?? []).entries()) assert.equal(e.object, second?.[i]?.object);
  // The DELETED object carries the deletion's resourceVersion, not the last write's.
  assert.notEqual(first?.[1]?.rv, first?.[0]?.rv);
  assert.equal(first?.[1]?.rv, String(await api.store.currentRevision()));
});

test("encoded lists carry the served JSON and selector values, and follow later writes", async () => {
  await api.request("POST", "/api/v1/namespaces/default/configmaps", {
    ...cm("enc"),
    metadata: { name: "enc", labels: { tier: "x" } },
  });
  const page = await cache.listEncoded(configMapDef, { namespace: "default" });
  const item = page?.items.find((i) => i.name === "enc");
  assert.ok(item);
  assert.deepEqual(item.labels, { tier: "x" });
  const obj = JSON.parse(item.json) as { kind: string; metadata: { resourceVersion: string } };
  assert.equal(obj.kind, "ConfigMap");
  const got = await api.request("GET", "/api/v1/namespaces/default/configmaps/enc");
  assert.deepEqual(JSON.parse(item.json), got.json);
  const updated = await api.request("PUT", "/api/v1/namespaces/default/configmaps/enc", {
    ...got.json,
    data: { k: "v" },
  });
  const again = await cache.listEncoded(configMapDef, { namespace: "default" });
  const fresh = again?.items.find((i) => i.name === "enc");
  assert.deepEqual(JSON.parse(fresh?.json ?? "{}"), updated.json);
  // Paging and exact revisions are the Store's.
  assert.equal(await cache.listEncoded(configMapDef, { namespace: "default", continue: "x" }), undefined);
});

test("peek answers from memory (one read-only object until a write), undefined when not cached", async () => {
  await api.request("POST", "/api/v1/namespaces/default/configmaps", cm("peeked"));
  const a = cache.peek(configMapDef, "default", "peeked");
  const b = cache.peek(configMapDef, "default", "peeked");
  assert.equal(a?.metadata?.name, "peeked");
  assert.equal(a?.kind, "ConfigMap");
  assert.equal(a, b);
  const put = await api.request("PUT", "/api/v1/namespaces/default/configmaps/peeked", {
    ...cm("peeked"),
    data: { k: "v" },
  });
  assert.equal(put.status, 200);
  await cache.list(configMapDef, { namespace: "default" }); // caught up with the write
  const c = cache.peek(configMapDef, "default", "peeked");
  assert.deepEqual(c?.data, { k: "v" });
  assert.equal(cache.peek(configMapDef, "default", "absent"), undefined);
});

test("paged lists from memory read one state: later writes do not show in later pages", async () => {
  for (const n of ["p1", "p2", "p3"])
    await api.request("POST", "/api/v1/namespaces/kube-system/configmaps", cm(n));
  const all = () => true;
  const first = await cache.listEncodedPage(configMapDef, { namespace: "kube-system", limit: 2, match: all });
  assert.ok(first?.next);
  assert.deepEqual(
    first.items.map((i) => i.name),
    ["p1", "p2"],
  );
  assert.equal(first.remaining, 1);
  // Between pages: p3 deleted, p4 created. The next page still shows the first page's state.
  await api.request("DELETE", "/api/v1/namespaces/kube-system/configmaps/p3");
  await api.request("POST", "/api/v1/namespaces/kube-system/configmaps", cm("p4"));
  const second = await cache.listEncodedPage(configMapDef, {
    namespace: "kube-system",
    limit: 2,
    after: first.next,
    match: all,
  });
  assert.deepEqual(
    second?.items.map((i) => i.name),
    ["p3"],
  );
  assert.equal(second?.revision, first.revision);
  assert.equal(second?.next, undefined);
  // A position no first page made (or one kept too long) is 410 Expired.
  await assert.rejects(
    cache.listEncodedPage(configMapDef, {
      namespace: "kube-system",
      limit: 2,
      after: { revision: 1, key: "x" },
      match: all,
    }),
    (err: unknown) => err instanceof GoneError,
  );
});
