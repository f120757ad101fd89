// The ServiceAccount controller under the manager on a real in-process API server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ServiceAccount } from "kubernetes-types/core/v1.js";
import {
  eventually,
  type ManagedFixture,
  startManaged,
} from "../../../test/controllers/lifecycle-support.ts";
import { serviceAccountsController, serviceAccountsResource } from "./controller.ts";

let fx: ManagedFixture;
before(async () => {
  fx = await startManaged([serviceAccountsController]);
});
after(async () => {
  await fx.close();
});

test("every namespace gets a default ServiceAccount, recreated after deletion", async () => {
  const sas = fx.client.resource<ServiceAccount>(serviceAccountsResource);
  for (const ns of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    await eventually(async () => {
      await sas.get("default", { namespace: ns });
    });
  }
  await fx.client
    .resource({ group: "", version: "v1", resource: "namespaces", namespaced: false })
    .create({ metadata: { name: "fresh" } });
  await eventually(async () => {
    await sas.get("default", { namespace: "fresh" });
  });
  const before = await sas.get("default", { namespace: "fresh" });
  await sas.delete("default", { namespace: "fresh" });
  await eventually(async () => {
    const again = await sas.get("default", { namespace: "fresh" });
    assert.notEqual(again.metadata?.uid, before.metadata?.uid);
  });
});
