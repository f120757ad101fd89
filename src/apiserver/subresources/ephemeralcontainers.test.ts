import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { coreV1Resources } from "../../api/core/index.ts";
import { dispatchPatcher, schemaPatchSchemaFor } from "../wiring.ts";
import { lifecycleSubresources } from "./index.ts";
import { podBody } from "./testing.ts";

let api: TestApi;
before(async () => {
  // The server's patcher and patch schemas: kubectl debug's strategic merge adds by name.
  api = new TestApi({
    resources: coreV1Resources,
    handler: {
      subresources: lifecycleSubresources(),
      patcher: dispatchPatcher,
      patchSchemaFor: schemaPatchSchemaFor,
    },
  });
  await api.seed();
});
after(async () => {
  await api.close();
});

const strategic = { "content-type": "application/strategic-merge-patch+json" };
const path = (name: string) => `/api/v1/namespaces/default/pods/${name}/ephemeralcontainers`;
const debug = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  image: "busybox",
  command: ["sh"],
  stdin: true,
  tty: true,
  targetContainerName: "c",
  ...extra,
});

test("a strategic merge patch adds an ephemeral container; nothing else changes", async () => {
  await api.request("POST", "/api/v1/namespaces/default/pods", podBody("e1"));
  const res = await api.request(
    "PATCH",
    path("e1"),
    {
      spec: { ephemeralContainers: [debug("debugger")], containers: [{ name: "c", image: "other" }] },
      metadata: { labels: { sneaky: "yes" } },
    },
    strategic,
  );
  assert.equal(res.status, 200, res.body);
  const pod = (await api.request("GET", "/api/v1/namespaces/default/pods/e1")).json;
  assert.equal(pod.spec.ephemeralContainers.length, 1);
  assert.equal(pod.spec.ephemeralContainers[0].name, "debugger");
  assert.equal(pod.spec.ephemeralContainers[0].terminationMessagePolicy, "File");
  assert.equal(pod.spec.containers[0].image, "nginx");
  assert.equal(pod.metadata.labels?.sneaky, undefined);
  const viaSub = await api.request("GET", path("e1"));
  assert.equal(viaSub.status, 200);
  assert.equal(viaSub.json.kind, "Pod");
  assert.equal(viaSub.json.spec.ephemeralContainers[0].name, "debugger");
});

test("validation: forbidden fields, duplicate names, unknown target, no removal or change", async () => {
  await api.request("POST", "/api/v1/namespaces/default/pods", podBody("e2"));
  const bad = await api.request(
    "PATCH",
    path("e2"),
    {
      spec: {
        ephemeralContainers: [
          debug("c"),
          debug("p", { ports: [{ containerPort: 80 }], targetContainerName: "nope" }),
          debug("r", {
            resources: { limits: { cpu: "1" } },
            readinessProbe: { exec: { command: ["true"] } },
          }),
        ],
      },
    },
    strategic,
  );
  assert.equal(bad.status, 422, bad.body);
  const fields = (bad.json.details.causes as { field: string; reason: string }[]).map(
    (c) => `${c.reason} ${c.field}`,
  );
  assert.ok(fields.includes("FieldValueDuplicate spec.ephemeralContainers[0].name"), fields.join("\n"));
  assert.ok(fields.includes("FieldValueNotFound spec.ephemeralContainers[1].targetContainerName"));
  assert.ok(fields.includes("FieldValueForbidden spec.ephemeralContainers[1].ports"));
  assert.ok(fields.includes("FieldValueForbidden spec.ephemeralContainers[2].resources"));
  assert.ok(fields.includes("FieldValueForbidden spec.ephemeralContainers[2].readinessProbe"));

  const ok = await api.request(
    "PATCH",
    path("e2"),
    { spec: { ephemeralContainers: [debug("d1")] } },
    strategic,
  );
  assert.equal(ok.status, 200, ok.body);
  const pod = ok.json;
  pod.spec.ephemeralContainers = [];
  const removed = await api.request("PUT", path("e2"), pod);
  assert.equal(removed.status, 422);
  assert.match(removed.json.message, /existing ephemeral containers "d1" may not be removed/);
  const changed = await api.request(
    "PATCH",
    path("e2"),
    [{ op: "replace", path: "/spec/ephemeralContainers/0/image", value: "other" }],
    { "content-type": "application/json-patch+json" },
  );
  assert.equal(changed.status, 422);
  assert.match(changed.json.message, /existing ephemeral containers "d1" may not be changed/);
  const second = await api.request(
    "PATCH",
    path("e2"),
    { spec: { ephemeralContainers: [debug("d2", { targetContainerName: undefined })] } },
    strategic,
  );
  assert.equal(second.status, 200, second.body);
  assert.deepEqual(second.json.spec.ephemeralContainers.map((c: { name: string }) => c.name).sort(), [
    "d1",
    "d2",
  ]);
});

test("a pod cannot be created with ephemeral containers; delete is not allowed", async () => {
  const body = podBody("e3") as ReturnType<typeof podBody> & { spec: Record<string, unknown> };
  body.spec.ephemeralContainers = [debug("x")];
  const res = await api.request("POST", "/api/v1/namespaces/default/pods", body);
  assert.equal(res.status, 422);
  assert.match(res.json.message, /spec.ephemeralContainers: Forbidden: cannot be set on create/);
  await api.request("POST", "/api/v1/namespaces/default/pods", podBody("e4"));
  assert.equal((await api.request("DELETE", path("e4"))).status, 405);
});
