// The root CA publisher under the manager on a real in-process API server.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import {
  eventually,
  type ManagedFixture,
  startManaged,
} from "../../../test/controllers/lifecycle-support.ts";
import { rootCaConfigMapName, rootCaPublisherController } from "./rootca.ts";

const caCert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const configMaps = { group: "", version: "v1", resource: "configmaps", namespaced: true, kind: "ConfigMap" };

let fx: ManagedFixture;
before(async () => {
  fx = await startManaged([rootCaPublisherController({ caCert })]);
});
after(async () => {
  await fx.close();
});

test("every namespace gets kube-root-ca.crt, restored after edits and deletion", async () => {
  const cms = fx.client.resource<ConfigMap>(configMaps);
  for (const ns of ["default", "kube-system"]) {
    await eventually(async () => {
      const cm = await cms.get(rootCaConfigMapName, { namespace: ns });
      assert.equal(cm.data?.["ca.crt"], caCert);
    });
  }
  await fx.client
    .resource({ group: "", version: "v1", resource: "namespaces", namespaced: false })
    .create({ metadata: { name: "fresh" } });
  await eventually(async () => {
    await cms.get(rootCaConfigMapName, { namespace: "fresh" });
  });
  const cm = await cms.get(rootCaConfigMapName, { namespace: "fresh" });
  await cms.update({ ...cm, data: { "ca.crt": "tampered" } });
  await eventually(async () => {
    const back = await cms.get(rootCaConfigMapName, { namespace: "fresh" });
    assert.equal(back.data?.["ca.crt"], caCert);
  });
  await cms.delete(rootCaConfigMapName, { namespace: "fresh" });
  await eventually(async () => {
    const again = await cms.get(rootCaConfigMapName, { namespace: "fresh" });
    assert.equal(again.data?.["ca.crt"], caCert);
  });
});
