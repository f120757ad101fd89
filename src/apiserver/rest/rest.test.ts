import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";

let api: TestApi;
before(async () => {
  api = new TestApi({ watchCache: true });
  await api.seed();
});
after(async () => {
  await api.close();
});

const cm = (name: string, data: Record<string, string> = {}, labels: Record<string, string> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels },
  data,
});

test("create sets system metadata and answers 201; duplicate is 409 AlreadyExists", async () => {
  const res = await api.request("POST", "/api/v1/namespaces/default/configmaps", cm("a", { k: "v" }));
  assert.equal(res.status, 201, res.body);
  assert.match(res.json.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.match(res.json.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(res.json.metadata.namespace, "default");
  assert.equal(res.json.metadata.generation, undefined);
  const dup = await api.request("POST", "/api/v1/namespaces/default/configmaps", cm("a"));
  assert.equal(dup.status, 409);
  assert.equal(dup.json.reason, "AlreadyExists");
  assert.equal(dup.json.message, 'configmaps "a" already exists');
  const get = await api.request("GET", "/api/v1/namespaces/default/configmaps/a");
  assert.equal(get.json.metadata.resourceVersion, res.json.metadata.resourceVersion);
  assert.equal(get.json.kind, "ConfigMap");
});

test("namespace checks: mismatch 400, missing namespace 404", async () => {
  const mismatch = await api.request("POST", "/api/v1/namespaces/default/configmaps", {
    ...cm("b"),
    metadata: { name: "b", namespace: "other" },
  });
  assert.equal(mismatch.status, 400);
  const missing = await api.request("POST", "/api/v1/namespaces/nope/configmaps", cm("b"));
  assert.equal(missing.status, 404);
  assert.equal(missing.json.message, 'namespaces "nope" not found');
});

test("malformed bodies are 400, YAML bodies are accepted, big bodies are 413", async () => {
  for (const body of ["{", "[1,2]", "", "null", '"str"']) {
    const res = await api.request("POST", "/api/v1/namespaces/default/configmaps", body);
    assert.equal(res.status, 400, `${body}: ${res.body}`);
    assert.equal(res.json.kind, "Status");
  }
  const yaml = await api.request(
    "POST",
    "/api/v1/namespaces/default/configmaps",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  x: 'y'\n",
    { "content-type": "application/yaml" },
  );
  assert.equal(yaml.status, 201, yaml.body);
  const bad = await api.request("POST", "/api/v1/namespaces/default/configmaps", "a: [\n", {
    "content-type": "application/yaml",
  });
  assert.equal(bad.status, 400);
  const big = await api.request(
    "POST",
    "/api/v1/namespaces/default/configmaps",
    cm("big", { x: "y".repeat(3 * 1024 * 1024) }),
  );
  assert.equal(big.status, 413);
  const typed = await api.request("POST", "/api/v1/namespaces/default/configmaps", {
    ...cm("t"),
    data: "nope",
  });
  assert.equal(typed.status, 422, typed.body);
});

test("validation failures are 422 Invalid with causes", async () => {
  const res = await api.request("POST", "/apis/example.skiff.dev/v1/namespaces/default/widgets", {
    apiVersion: "example.skiff.dev/v1",
    kind: "Widget",
    metadata: { name: "Bad_Name", labels: { "bad key!": "x" } },
    spec: { replicas: -1 },
  });
  assert.equal(res.status, 422, res.body);
  assert.equal(res.json.reason, "Invalid");
  assert.equal(res.json.details.kind, "Widget");
  const fields = res.json.details.causes.map((c: { field: string }) => c.field);
  assert.ok(fields.includes("spec.replicas"));
  assert.ok(fields.includes("metadata.labels"));
});

test("update: 409 on stale resourceVersion, no-op keeps resourceVersion, generation follows spec", async () => {
  const created = await api.request("POST", "/apis/example.skiff.dev/v1/namespaces/default/widgets", {
    metadata: { name: "w1" },
    spec: { replicas: 2 },
  });
  assert.equal(created.status, 201, created.body);
  assert.equal(created.json.metadata.generation, 1);
  const path = "/apis/example.skiff.dev/v1/namespaces/default/widgets/w1";
  const same = await api.request("PUT", path, created.json);
  assert.equal(same.status, 200);
  assert.equal(same.json.metadata.resourceVersion, created.json.metadata.resourceVersion);
  const labelled = await api.request("PUT", path, {
    ...created.json,
    metadata: { ...created.json.metadata, labels: { a: "b" } },
  });
  assert.equal(labelled.json.metadata.generation, 1);
  assert.notEqual(labelled.json.metadata.resourceVersion, created.json.metadata.resourceVersion);
  const stale = await api.request("PUT", path, { ...created.json, spec: { replicas: 5 } });
  assert.equal(stale.status, 409);
  assert.equal(stale.json.reason, "Conflict");
  const bumped = await api.request("PUT", path, {
    ...labelled.json,
    spec: { replicas: 5 },
    status: { replicas: 9 },
  });
  assert.equal(bumped.json.metadata.generation, 2);
  assert.deepEqual(bumped.json.status, {}, "main update keeps the old status");
  const status = await api.request("PUT", `${path}/status`, {
    ...bumped.json,
    spec: { replicas: 1 },
    status: { replicas: 3 },
  });
  assert.equal(status.status, 200, status.body);
  assert.equal(status.json.status.replicas, 3);
  assert.equal(status.json.spec.replicas, 5, "status update keeps the spec");
});

test("scale subresource get and merge patch", async () => {
  const path = "/apis/example.skiff.dev/v1/namespaces/default/widgets/w1/scale";
  const scale = await api.request("GET", path);
  assert.equal(scale.json.kind, "Scale");
  assert.equal(scale.json.apiVersion, "autoscaling/v1");
  assert.equal(scale.json.spec.replicas, 5);
  const patched = await api.request(
    "PATCH",
    path,
    { spec: { replicas: 7 } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(patched.status, 200, patched.body);
  assert.equal(patched.json.kind, "Scale");
  assert.equal(patched.json.spec.replicas, 7);
  const obj = await api.request("GET", "/apis/example.skiff.dev/v1/namespaces/default/widgets/w1");
  assert.equal(obj.json.spec.replicas, 7);
  assert.equal(obj.json.metadata.generation, 3);
});

test("list with label and field selectors, limit/continue, and 400 for unknown field labels", async () => {
  for (const [name, flavour, tier] of [
    ["l1", "a", "x"],
    ["l2", "b", "x"],
    ["l3", "a", "y"],
  ] as const) {
    const r = await api.request(
      "POST",
      "/api/v1/namespaces/kube-public/configmaps",
      cm(name, { flavour }, { tier }),
    );
    assert.equal(r.status, 201);
  }
  const base = "/api/v1/namespaces/kube-public/configmaps";
  const names = (res: { json: { items: { metadata: { name: string } }[] } }) =>
    res.json.items.map((i) => i.metadata.name);
  assert.deepEqual(names(await api.request("GET", `${base}?labelSelector=tier%3Dx`)), ["l1", "l2"]);
  assert.deepEqual(names(await api.request("GET", `${base}?labelSelector=tier%20notin%20(x)`)), ["l3"]);
  assert.deepEqual(names(await api.request("GET", `${base}?fieldSelector=data.flavour%3Da`)), ["l1", "l3"]);
  assert.deepEqual(names(await api.request("GET", `${base}?fieldSelector=metadata.name!%3Dl1`)), [
    "l2",
    "l3",
  ]);
  const unknown = await api.request("GET", `${base}?fieldSelector=spec.foo%3Dx`);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.json.message, "field label not supported: spec.foo");
  const page1 = await api.request("GET", `${base}?limit=2`);
  assert.deepEqual(names(page1), ["l1", "l2"]);
  assert.equal(page1.json.metadata.remainingItemCount, 1);
  const page2 = await api.request("GET", `${base}?limit=2&continue=${page1.json.metadata.continue}`);
  assert.deepEqual(names(page2), ["l3"]);
  assert.equal(page2.json.metadata.continue, undefined);
  const all = await api.request("GET", "/api/v1/configmaps");
  assert.ok(names(all).includes("l1") && names(all).includes("a"));
  assert.equal(all.json.kind, "ConfigMapList");
});

test("Table output with PartialObjectMetadata rows", async () => {
  const accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  const res = await api.request("GET", "/apis/example.skiff.dev/v1/namespaces/default/widgets", undefined, {
    accept,
  });
  assert.equal(res.json.kind, "Table");
  assert.deepEqual(
    res.json.columnDefinitions.map((c: { name: string }) => c.name),
    ["Name", "Replicas", "Age"],
  );
  assert.equal(res.json.rows[0].cells[0], "w1");
  assert.equal(res.json.rows[0].object.kind, "PartialObjectMetadata");
  const full = await api.request(
    "GET",
    "/api/v1/namespaces/default/configmaps?includeObject=Object",
    undefined,
    { accept },
  );
  assert.equal(full.json.rows[0].object.kind, "ConfigMap");
  assert.deepEqual(
    full.json.columnDefinitions.map((c: { name: string }) => c.name),
    ["Name", "Age"],
  );
});

test("metadata clients get PartialObjectMetadata(List): get, list and watch", async () => {
  await api.request(
    "POST",
    "/api/v1/namespaces/default/configmaps",
    cm("meta", { big: "x".repeat(1000) }, { m: "1" }),
  );
  const one = await api.request("GET", "/api/v1/namespaces/default/configmaps/meta", undefined, {
    accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json",
  });
  assert.equal(one.json.kind, "PartialObjectMetadata");
  assert.equal(one.json.apiVersion, "meta.k8s.io/v1");
  assert.equal(one.json.metadata.name, "meta");
  assert.equal(one.json.data, undefined);
  const list = await api.request(
    "GET",
    "/api/v1/namespaces/default/configmaps?labelSelector=m%3D1",
    undefined,
    {
      accept: "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
    },
  );
  assert.equal(list.json.kind, "PartialObjectMetadataList");
  assert.match(list.json.metadata.resourceVersion, /^\d+$/);
  assert.deepEqual(
    list.json.items.map((i: { kind: string; metadata: { name: string } }) => [i.kind, i.metadata.name]),
    [["PartialObjectMetadata", "meta"]],
  );
  const stream = api.stream(
    "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&labelSelector=m%3D1",
    {
      accept: "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json",
    },
  );
  let buf = "";
  stream.onChunk((c) => {
    buf += c;
  });
  assert.equal((await stream.head).status, 200);
  await new Promise<void>((resolve) => {
    const check = () => (buf.includes("\n") ? resolve() : setTimeout(check, 5));
    check();
  });
  stream.cancel();
  await stream.done;
  const first = JSON.parse(buf.slice(0, buf.indexOf("\n")));
  assert.equal(first.type, "ADDED");
  assert.equal(first.object.kind, "PartialObjectMetadata");
  assert.equal(first.object.data, undefined);
  // Without the `as` parameter the full object still comes back.
  const full = await api.request("GET", "/api/v1/namespaces/default/configmaps/meta");
  assert.equal(full.json.kind, "ConfigMap");
  assert.equal(full.json.data.big.length, 1000);
});

test("delete with finalizers sets deletionTimestamp; removing the last finalizer deletes", async () => {
  const created = await api.request("POST", "/api/v1/namespaces/default/configmaps", {
    ...cm("fin"),
    metadata: { name: "fin", finalizers: ["example.com/hold"] },
  });
  assert.equal(created.status, 201);
  const del = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/fin", {
    propagationPolicy: "Foreground",
  });
  assert.equal(del.status, 200, del.body);
  assert.ok(del.json.metadata.deletionTimestamp);
  assert.deepEqual(del.json.metadata.finalizers, ["example.com/hold", "foregroundDeletion"]);
  const cleared = await api.request("PUT", "/api/v1/namespaces/default/configmaps/fin", {
    ...del.json,
    metadata: { ...del.json.metadata, finalizers: [] },
  });
  assert.equal(cleared.status, 200, cleared.body);
  const gone = await api.request("GET", "/api/v1/namespaces/default/configmaps/fin");
  assert.equal(gone.status, 404);
  const dry = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/a?dryRun=All");
  assert.equal(dry.status, 200);
  assert.equal((await api.request("GET", "/api/v1/namespaces/default/configmaps/a")).status, 200);
  const pre = await api.request("DELETE", "/api/v1/namespaces/default/configmaps/a", {
    preconditions: { uid: "x" },
  });
  assert.equal(pre.status, 409);
});

test("generateName and dryRun create", async () => {
  const gen = await api.request("POST", "/api/v1/namespaces/default/configmaps", {
    metadata: { generateName: "gen-" },
  });
  assert.equal(gen.status, 201, gen.body);
  assert.match(gen.json.metadata.name, /^gen-[a-z0-9]{5}$/);
  const dry = await api.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", cm("dry"));
  assert.equal(dry.status, 201);
  assert.equal((await api.request("GET", "/api/v1/namespaces/default/configmaps/dry")).status, 404);
});

test("watch sends ADDED for current state with resourceVersion=0, then changes", async () => {
  const stream = api.stream("/api/v1/namespaces/kube-node-lease/configmaps?watch=true&resourceVersion=0");
  const lines: string[] = [];
  let buf = "";
  const waitFor = (n: number) =>
    new Promise<void>((resolve) => {
      const check = () => (lines.length >= n ? resolve() : setTimeout(check, 5));
      check();
    });
  stream.onChunk((c) => {
    buf += c;
    let i = buf.indexOf("\n");
    while (i >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
      i = buf.indexOf("\n");
    }
  });
  const head = await stream.head;
  assert.equal(head.status, 200);
  await api.request("POST", "/api/v1/namespaces/kube-node-lease/configmaps", cm("w"));
  await api.request("DELETE", "/api/v1/namespaces/kube-node-lease/configmaps/w");
  await waitFor(2);
  stream.cancel();
  await stream.done;
  const events = lines.map((l) => JSON.parse(l));
  assert.deepEqual(
    events.map((e) => e.type),
    ["ADDED", "DELETED"],
  );
  assert.equal(events[0].object.kind, "ConfigMap");
});

test("authentication: anonymous gets 401 except /version and health", async () => {
  const anon = await api.request("GET", "/api/v1/namespaces", undefined, {}, null);
  assert.equal(anon.status, 401);
  assert.equal(anon.json.reason, "Unauthorized");
  const version = await api.request("GET", "/version", undefined, {}, null);
  assert.equal(version.status, 200);
  assert.equal(version.json.minor, "32");
  assert.equal((await api.request("GET", "/healthz", undefined, {}, null)).body, "ok");
});
