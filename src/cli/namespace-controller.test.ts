import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../test/support/inprocess-api.ts";
import { Registry } from "../api/registry.ts";
import { namespaceLifecycle } from "../apiserver/namespacelifecycle.ts";
import { lifecycleSubresources } from "../apiserver/subresources/index.ts";
import { type RunningNamespaceController, startNamespaceController } from "./namespace-controller.ts";
import { servedResources } from "./resources.ts";

let api: TestApi;
let controller: RunningNamespaceController | undefined;
const resources = servedResources();
before(async () => {
  api = new TestApi({
    resources,
    handler: { subresources: lifecycleSubresources(), admission: [namespaceLifecycle] },
    watchCache: true,
  });
  await api.seed();
});
after(async () => {
  await controller?.stop();
  await api.close();
});

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail("condition not reached");
}

test("the in-process adapter lets the controller empty and remove terminating namespaces", async () => {
  const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } };
  for (const name of ["before", "after"]) {
    await api.request("POST", "/api/v1/namespaces", ns(name));
    await api.request("POST", `/api/v1/namespaces/${name}/configmaps`, cm);
  }
  // Terminating before the controller starts: level-triggered start picks it up.
  await api.request("DELETE", "/api/v1/namespaces/before");
  controller = await startNamespaceController({
    handler: api.handler,
    registry: new Registry().add(...resources),
    onError: (err) => assert.fail(String(err)),
  });
  await until(async () => (await api.request("GET", "/api/v1/namespaces/before")).status === 404);
  assert.equal((await api.request("GET", "/api/v1/namespaces/before/configmaps/c")).status, 404);
  await api.request("DELETE", "/api/v1/namespaces/after");
  await until(async () => (await api.request("GET", "/api/v1/namespaces/after")).status === 404);
});
