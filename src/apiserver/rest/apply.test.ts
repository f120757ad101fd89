import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { dispatchPatcher, schemaDecoder, schemaPatchSchemaFor } from "../wiring.ts";

let api: TestApi;
before(async () => {
  api = new TestApi({
    handler: { decoder: schemaDecoder, patcher: dispatchPatcher, patchSchemaFor: schemaPatchSchemaFor },
  });
  await api.seed();
});
after(async () => {
  await api.close();
});

const widgets = "/apis/example.skiff.dev/v1/namespaces/default/widgets";
const apply = { "content-type": "application/apply-patch+yaml" };
const widget = (replicas: number) =>
  `apiVersion: example.skiff.dev/v1\nkind: Widget\nmetadata: {name: w}\nspec: {replicas: ${replicas}}\n`;

interface Entry {
  manager: string;
  operation: string;
  subresource?: string;
  fieldsV1: unknown;
}
const entries = (obj: { metadata: { managedFields?: Entry[] } }) => obj.metadata.managedFields ?? [];

test("apply to a missing name creates it (201) through the create path; dry run stores nothing", async () => {
  const dry = await api.request("PATCH", `${widgets}/w?fieldManager=a&dryRun=All`, widget(2), apply);
  assert.equal(dry.status, 201, dry.body);
  assert.equal((await api.request("GET", `${widgets}/w`)).status, 404);

  const res = await api.request("PATCH", `${widgets}/w?fieldManager=a`, widget(2), apply);
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json.metadata.generation, 1);
  assert.deepEqual(res.json.status, {}, "prepareForCreate ran");
  assert.deepEqual(
    entries(res.json).map((e) => [e.manager, e.operation, e.fieldsV1]),
    [["a", "Apply", { "f:spec": { "f:replicas": {} } }]],
  );
});

test("re-apply: unchanged keeps the resourceVersion, changed bumps generation; validation applies", async () => {
  const first = await api.request("GET", `${widgets}/w`);
  const same = await api.request("PATCH", `${widgets}/w?fieldManager=a`, widget(2), apply);
  assert.equal(same.status, 200);
  assert.equal(same.json.metadata.resourceVersion, first.json.metadata.resourceVersion);
  const changed = await api.request("PATCH", `${widgets}/w?fieldManager=a`, widget(3), apply);
  assert.equal(changed.json.metadata.generation, 2);
  const invalid = await api.request("PATCH", `${widgets}/w?fieldManager=a`, widget(-1), apply);
  assert.equal(invalid.status, 422, invalid.body);
});

test("status and scale writes record entries with their subresource; apply there is 415", async () => {
  const status = await api.request(
    "PATCH",
    `${widgets}/w/status?fieldManager=ctl`,
    { status: { replicas: 3 } },
    { "content-type": "application/merge-patch+json" },
  );
  assert.equal(status.status, 200, status.body);
  const statusEntry = entries(status.json).find((e) => e.manager === "ctl");
  assert.deepEqual(statusEntry, { ...statusEntry, operation: "Update", subresource: "status" });
  assert.deepEqual(statusEntry?.fieldsV1, { "f:status": { "f:replicas": {} } });

  await api.request(
    "PATCH",
    `${widgets}/w/scale`,
    { spec: { replicas: 5 } },
    { "content-type": "application/merge-patch+json", "user-agent": "scaler/v1" },
  );
  const after = await api.request("GET", `${widgets}/w`);
  const scaleEntry = entries(after.json).find((e) => e.manager === "scaler");
  assert.equal(scaleEntry?.subresource, "scale");
  assert.deepEqual(scaleEntry?.fieldsV1, { "f:spec": { "f:replicas": {} } });
  // The applier lost replicas to the scaler.
  assert.equal(
    entries(after.json).some((e) => e.manager === "a"),
    false,
  );

  const onStatus = await api.request("PATCH", `${widgets}/w/status?fieldManager=a`, widget(1), apply);
  assert.equal(onStatus.status, 415);
});

test("PUT and POST record the writer; managedFields: [] resets them", async () => {
  const created = await api.request(
    "POST",
    "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create",
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } },
  );
  assert.deepEqual(
    entries(created.json).map((e) => [e.manager, e.operation]),
    [["kubectl-create", "Update"]],
  );
  assert.match(JSON.stringify(entries(created.json)[0]?.fieldsV1), /"f:data":\{.*"f:a":\{\}/);
  const body = { ...created.json, data: { a: "1", b: "2" } };
  const updated = await api.request(
    "PUT",
    "/api/v1/namespaces/default/configmaps/c?fieldManager=kubectl-edit",
    body,
  );
  assert.deepEqual(
    entries(updated.json).map((e) => e.manager),
    ["kubectl-create", "kubectl-edit"],
  );
  const reset = { ...updated.json, metadata: { ...updated.json.metadata, managedFields: [] } };
  const cleared = await api.request("PUT", "/api/v1/namespaces/default/configmaps/c", reset);
  assert.deepEqual(entries(cleared.json), []);
});
