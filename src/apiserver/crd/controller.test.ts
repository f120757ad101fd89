import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { testResources } from "../../../test/support/testresources.ts";
import { customResourceDefinitions } from "../../api/apiextensions/crd.ts";
import { cronTabCrd } from "../../api/apiextensions/testing.ts";
import { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { CrdController } from "./controller.ts";

const registry = new Registry().add(...testResources, customResourceDefinitions as ResourceDef);
const api = new TestApi({ watchCache: true, handler: { registry } });
let controller: CrdController | undefined;
const crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
const ctPath = "/apis/stable.example.com/v1/namespaces/default/crontabs";

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not reached");
}

before(async () => {
  await api.seed();
  const source = api.cache;
  assert.ok(source);
  controller = new CrdController({ registry, source, handler: api.handler, cleanupRetryMs: 20 });
  await controller.start();
});
after(async () => {
  controller?.stop();
  await api.close();
});

test("a created CRD is served and established; deleting it deletes its objects first", async () => {
  const created = await api.request("POST", crdPath, cronTabCrd());
  assert.equal(created.status, 201, created.body);
  await until(async () => registry.resource("stable.example.com", "v1", "crontabs") !== undefined);
  await controller?.idle();
  const crd = (await api.request("GET", `${crdPath}/crontabs.stable.example.com`)).json;
  assert.deepEqual(
    crd.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
    ["NamesAccepted=True", "Established=True"],
  );
  const ct = {
    apiVersion: "stable.example.com/v1",
    kind: "CronTab",
    metadata: { name: "a" },
    spec: { cronSpec: "* * * * *" },
  };
  assert.equal((await api.request("POST", ctPath, ct)).status, 201);

  assert.equal((await api.request("DELETE", `${crdPath}/crontabs.stable.example.com`)).status, 200);
  await until(
    async () => (await api.request("GET", `${crdPath}/crontabs.stable.example.com`)).status === 404,
  );
  await until(async () => registry.resource("stable.example.com", "v1", "crontabs") === undefined);
  const left = await api.store.list("stable.example.com/crontabs/");
  assert.equal(left.kvs.length, 0, "the CronTab was deleted with its CRD");
});
