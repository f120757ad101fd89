import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";

let api: TestApi;
before(async () => {
  api = new TestApi();
  await api.seed();
});
after(async () => {
  await api.close();
});

async function collect(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const stream = api.stream(path, headers);
  let text = "";
  stream.onChunk((c) => {
    text += c;
  });
  await stream.done;
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}

test("a watch from a compacted resourceVersion gets a 410 Expired ERROR event", async () => {
  for (const name of ["a", "b"]) {
    await api.request("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name } });
  }
  const rev = await api.store.currentRevision();
  await api.store.compact(rev);
  const events = await collect(
    "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1&timeoutSeconds=5",
  );
  assert.equal(events.length, 1);
  assert.equal(events[0]?.type, "ERROR");
  assert.equal(events[0]?.object.code, 410);
  assert.equal(events[0]?.object.reason, "Expired");
});

test("timeoutSeconds ends the watch; selectors turn leaving objects into DELETED; Table events", async () => {
  const start = await api.store.currentRevision();
  const watching = collect(
    `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${start}&labelSelector=app%3Dx&timeoutSeconds=1`,
    { accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json" },
  );
  const created = await api.request("POST", "/api/v1/namespaces/default/configmaps", {
    metadata: { name: "sel", labels: { app: "x" } },
  });
  await api.request("PUT", "/api/v1/namespaces/default/configmaps/sel", {
    ...created.json,
    metadata: { ...created.json.metadata, labels: { app: "y" } },
  });
  const events = await watching;
  assert.deepEqual(
    events.map((e) => e.type),
    ["ADDED", "DELETED"],
  );
  assert.equal(events[0]?.object.kind, "Table");
  assert.ok(Array.isArray(events[0]?.object.columnDefinitions));
  const rows = (events[1]?.object.rows ?? []) as { cells: unknown[] }[];
  assert.equal(rows[0]?.cells[0], "sel");
});

test("a watch of one object by name (GET .../NAME?watch=true) sees only that object", async () => {
  const start = await api.store.currentRevision();
  const watching = collect(
    `/api/v1/namespaces/default/configmaps/one?watch=true&resourceVersion=${start}&timeoutSeconds=1`,
  );
  for (const name of ["other", "one"]) {
    await api.request("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name } });
  }
  const events = await watching;
  assert.deepEqual(
    events.map((e) => `${e.type}:${(e.object.metadata as { name: string }).name}`),
    ["ADDED:one"],
  );
});

test("a watch from resourceVersion 0 starts with the matching objects as ADDED", async () => {
  for (const [name, app] of [
    ["init-a", "i"],
    ["init-b", "j"],
  ]) {
    await api.request("POST", "/api/v1/namespaces/default/configmaps", {
      metadata: { name, labels: { app } },
    });
  }
  const events = await collect(
    "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&labelSelector=app%3Di&timeoutSeconds=1",
  );
  assert.deepEqual(
    events.map((e) => `${e.type}:${(e.object.metadata as { name: string }).name}`),
    ["ADDED:init-a"],
  );
  assert.equal(events[0]?.object.kind, "ConfigMap");
});
