// The REST client against a real API server through the in-process transport: CRUD, paging,
// selectors, patches, subresources, typed errors, watch.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { ConfigMap, Pod } from "kubernetes-types/core/v1.js";
import { deployments } from "../../src/api/apps/deployment.ts";
import { configMaps, pods } from "../../src/api/core/index.ts";
import {
  AlreadyExistsError,
  type ApiError,
  ConflictError,
  GoneError,
  InvalidError,
  NotFoundError,
} from "../../src/api/errors.ts";
import type { WatchEvent } from "../../src/client/watch.ts";
import { type ClientFixture, startApi } from "./support.ts";

const pod = (name: string, labels: Record<string, string> = {}): Pod => ({
  metadata: { name, namespace: "default", labels },
  spec: { containers: [{ name: "c", image: "busybox" }] },
});

describe("RestClient (in-process)", () => {
  let f: ClientFixture;
  before(async () => {
    f = await startApi();
  });
  after(async () => {
    await f.close();
  });

  it("creates, gets, updates, patches and deletes with typed errors", async () => {
    const cms = f.client.resource<ConfigMap>(configMaps);
    const created = await cms.create({ metadata: { name: "one", namespace: "default" }, data: { a: "1" } });
    assert.equal(created.kind, "ConfigMap");
    assert.ok(created.metadata?.resourceVersion);
    await assert.rejects(
      cms.create({ metadata: { name: "one", namespace: "default" } }),
      (e) => e instanceof AlreadyExistsError && e.code === 409,
    );
    const got = await cms.get("one", { namespace: "default" });
    assert.deepEqual(got.data, { a: "1" });
    const updated = await cms.update({ ...got, data: { a: "2" } });
    assert.equal(updated.data?.a, "2");
    await assert.rejects(cms.update({ ...got, data: { a: "3" } }), ConflictError);
    const merged = await cms.patch("one", { data: { b: "x" } }, { type: "merge", namespace: "default" });
    assert.deepEqual(merged.data, { a: "2", b: "x" });
    const jsonPatched = await cms.patch("one", [{ op: "remove", path: "/data/b" }], {
      type: "json",
      namespace: "default",
    });
    assert.deepEqual(jsonPatched.data, { a: "2" });
    await cms.delete("one", { namespace: "default" });
    await assert.rejects(cms.get("one", { namespace: "default" }), (e) => {
      assert.ok(e instanceof NotFoundError);
      assert.equal(e.message, 'configmaps "one" not found');
      assert.equal(e.details?.name, "one");
      return true;
    });
  });

  it("maps 422 to InvalidError with field causes", async () => {
    const ps = f.client.resource<Pod>(pods);
    await assert.rejects(
      ps.create({ metadata: { name: "bad", namespace: "default" }, spec: { containers: [] } }),
      (e) => {
        assert.ok(e instanceof InvalidError);
        assert.ok(e.details?.causes?.some((c) => c.field === "spec.containers"));
        return true;
      },
    );
  });

  it("lists with selectors and pages with limit/continue", async () => {
    const ps = f.client.resource<Pod>(pods);
    for (let i = 0; i < 5; i++) await ps.create(pod(`p${i}`, { tier: i % 2 ? "odd" : "even" }));
    const even = await ps.list({ namespace: "default", labelSelector: "tier=even" });
    assert.deepEqual(
      even.items.map((p) => p.metadata?.name),
      ["p0", "p2", "p4"],
    );
    const byName = await ps.list({ namespace: "default", fieldSelector: "metadata.name=p3" });
    assert.equal(byName.items.length, 1);
    const page = await ps.list({ namespace: "default", limit: 2 });
    assert.equal(page.items.length, 2);
    assert.ok(page.metadata.continue);
    const all = await ps.listAll({ namespace: "default", limit: 2 });
    assert.equal(all.items.length, 5);
    await ps.deleteCollection({ namespace: "default", labelSelector: "tier=odd" });
    assert.equal((await ps.list({ namespace: "default" })).items.length, 3);
  });

  it("updates status and scale subresources", async () => {
    const ds = f.client.resource<Deployment>(deployments);
    const d = await ds.create({
      metadata: { name: "web", namespace: "default" },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "web" } },
        template: {
          metadata: { labels: { app: "web" } },
          spec: { containers: [{ name: "c", image: "nginx" }] },
        },
      },
    });
    const withStatus = await ds.updateStatus({ ...d, status: { observedGeneration: 1, replicas: 1 } });
    assert.equal(withStatus.status?.replicas, 1);
    const scale = await ds.getSubresource<{ spec: { replicas: number }; metadata: object }>("web", "scale", {
      namespace: "default",
    });
    assert.equal(scale.spec.replicas, 1);
    await ds.updateSubresource("web", "scale", { ...scale, spec: { replicas: 3 } }, { namespace: "default" });
    assert.equal((await ds.get("web", { namespace: "default" })).spec?.replicas, 3);
  });

  it("watches from a resourceVersion and reports 410 for a compacted one", async () => {
    const cms = f.client.resource<ConfigMap>(configMaps);
    const start = await cms.list({ namespace: "default" });
    const events: WatchEvent<ConfigMap>[] = [];
    let seen: () => void = () => {};
    const twoEvents = new Promise<void>((r) => {
      seen = r;
    });
    const w = await cms.watch(
      { namespace: "default", resourceVersion: start.metadata.resourceVersion },
      (e) => {
        events.push(e);
        if (events.length === 2) seen();
      },
    );
    await cms.create({ metadata: { name: "w", namespace: "default" } });
    await cms.delete("w", { namespace: "default" });
    await twoEvents;
    w.stop();
    await w.done;
    assert.deepEqual(
      events.map((e) => e.type),
      ["ADDED", "DELETED"],
    );
    await f.api.store.compact(await f.api.store.currentRevision());
    const errors: ApiError[] = [];
    const old = await cms.watch(
      { namespace: "default", resourceVersion: start.metadata.resourceVersion },
      (e) => {
        if (e.type === "ERROR") errors.push(e.error);
      },
    );
    await old.done;
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof GoneError);
    assert.equal(errors[0]?.code, 410);
  });
});
