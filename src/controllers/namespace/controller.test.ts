// The namespace controller under the manager on a real in-process API server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Namespace } from "kubernetes-types/core/v1.js";
import {
  eventually,
  type ManagedFixture,
  startManaged,
} from "../../../test/controllers/lifecycle-support.ts";
import { namespaceController } from "./controller.ts";
import { namespacesResource } from "./restclient.ts";

const configmaps = { group: "", version: "v1", resource: "configmaps", namespaced: true, kind: "ConfigMap" };
let fx: ManagedFixture;
before(async () => {
  fx = await startManaged([namespaceController]);
});
after(async () => {
  await fx.close();
});

test("a deleted namespace is emptied, finalized and removed", async () => {
  const namespaces = fx.client.resource<Namespace>(namespacesResource);
  await namespaces.create({ metadata: { name: "doomed" } });
  await fx.client.resource(configmaps).create({ metadata: { name: "a", namespace: "doomed" } });
  await namespaces.delete("doomed");
  await eventually(async () => {
    await assert.rejects(namespaces.get("doomed"), /not found/);
  });
  const left = await fx.client.resource(configmaps).list({ namespace: "doomed" });
  assert.equal(left.items.length, 0);
});

test("content held by a finalizer keeps the namespace Terminating with conditions saying why", async () => {
  const namespaces = fx.client.resource<Namespace>(namespacesResource);
  await namespaces.create({ metadata: { name: "held" } });
  const cm = fx.client.resource(configmaps);
  await cm.create({ metadata: { name: "h", namespace: "held", finalizers: ["example.com/hold"] } });
  await namespaces.delete("held");
  await eventually(async () => {
    const ns = await namespaces.get("held");
    const byType = new Map((ns.status?.conditions ?? []).map((c) => [c.type, c]));
    assert.equal(ns.status?.phase, "Terminating");
    assert.equal(
      byType.get("NamespaceContentRemaining")?.message,
      "Some resources are remaining: configmaps. has 1 resource instances",
    );
    assert.equal(
      byType.get("NamespaceFinalizersRemaining")?.message,
      "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances",
    );
    assert.equal(byType.get("NamespaceDeletionDiscoveryFailure")?.status, "False");
  });
  await cm.patch("h", { metadata: { finalizers: null } }, { namespace: "held", type: "merge" });
  await eventually(async () => {
    await assert.rejects(namespaces.get("held"), /not found/);
  }, 400);
});
