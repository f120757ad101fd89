// The garbage collector against a real API handler (SQLite, in-process transport): background,
// foreground (order, blockOwnerDeletion) and orphan propagation with hand-made owners.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import type { ObjectLike } from "../../src/client/object.ts";
import type { ResourceCoords } from "../../src/client/paths.ts";
import { GarbageCollector } from "../../src/controllers/garbagecollector/garbagecollector.ts";
import { type ClientFixture, startApi } from "../client/support.ts";

const configmaps: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "configmaps",
  namespaced: true,
  kind: "ConfigMap",
};

let fx: ClientFixture;
let gc: GarbageCollector;
const errors: unknown[] = [];

before(async () => {
  fx = await startApi({ watchCache: true });
  gc = new GarbageCollector({ client: fx.client, onError: (err) => errors.push(err) });
  await gc.start();
});
after(async () => {
  await gc.stop();
  await fx.close();
});

const cm = () => fx.client.resource<ConfigMap>(configmaps);
const ref = (o: ObjectLike, block = false) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  name: o.metadata?.name ?? "",
  uid: o.metadata?.uid ?? "",
  ...(block ? { blockOwnerDeletion: true } : {}),
});

async function make(name: string, owners: ReturnType<typeof ref>[] = []): Promise<ConfigMap> {
  return cm().create({ metadata: { name, namespace: "default", ownerReferences: owners } });
}

async function exists(name: string): Promise<ConfigMap | undefined> {
  try {
    return await cm().get(name, { namespace: "default" });
  } catch {
    return undefined;
  }
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test("background: dependents of a deleted owner are deleted, those with another owner lose the reference", async () => {
  const owner = await make("bg-owner");
  const other = await make("bg-other");
  await make("bg-dep", [ref(owner)]);
  await make("bg-shared", [ref(owner), ref(other)]);
  await cm().delete("bg-owner", { namespace: "default", propagationPolicy: "Background" });
  await until("bg-dep gone", async () => !(await exists("bg-dep")));
  await until("bg-shared keeps only bg-other", async () => {
    const s = await exists("bg-shared");
    return s?.metadata?.ownerReferences?.map((r) => r.name).join() === "bg-other";
  });
});

test("a dependent whose owner never existed is collected (live GET, not the cache)", async () => {
  await make("ghost-dep", [
    { apiVersion: "v1", kind: "ConfigMap", name: "nobody", uid: "00000000-0000-0000-0000-000000000000" },
  ]);
  await until("ghost-dep gone", async () => !(await exists("ghost-dep")));
});

test("a dependent created just after its owner is kept", async () => {
  const owner = await make("new-owner");
  await make("new-dep", [ref(owner)]);
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(await exists("new-dep"));
});

test("orphan: dependents lose the reference, the owner goes", async () => {
  const owner = await make("or-owner");
  await make("or-dep", [ref(owner, true)]);
  await cm().delete("or-owner", { namespace: "default", propagationPolicy: "Orphan" });
  await until("or-owner gone", async () => !(await exists("or-owner")));
  const dep = await exists("or-dep");
  assert.ok(dep);
  assert.deepEqual(dep.metadata?.ownerReferences ?? [], []);
});

test("foreground: blocking dependents (and theirs) go before the owner", async () => {
  const owner = await make("fg-owner");
  const mid = await make("fg-mid", [ref(owner, true)]);
  await make("fg-leaf", [ref(mid, true)]);
  await make("fg-loose", [ref(owner)]);
  const order: string[] = [];
  const w = await cm().watch(
    { namespace: "default", resourceVersion: owner.metadata?.resourceVersion ?? "" },
    (e) => {
      if (e.type === "DELETED") order.push(e.object.metadata?.name ?? "");
    },
  );
  await cm().delete("fg-owner", { namespace: "default", propagationPolicy: "Foreground" });
  await until("fg-owner gone", async () => !(await exists("fg-owner")));
  w.stop();
  await w.done;
  const at = (n: string) => order.indexOf(n);
  assert.ok(at("fg-leaf") >= 0 && at("fg-leaf") < at("fg-mid"), order.join());
  assert.ok(at("fg-mid") < at("fg-owner"), order.join());
  await until("fg-loose gone", async () => !(await exists("fg-loose")));
});
