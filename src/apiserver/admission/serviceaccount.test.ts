import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { coreV1Resources } from "../../api/core/index.ts";
import { ObjectStore } from "../storage/objectstore.ts";
import { serviceAccountAdmission, tokenMountPath } from "./serviceaccount.ts";

let api: TestApi;
before(async () => {
  let plugin: ReturnType<typeof serviceAccountAdmission> | undefined;
  api = new TestApi({
    resources: [...coreV1Resources],
    watchCache: true,
    handler: {
      admission: [
        {
          name: "lazy",
          admit: (attrs) => plugin?.admit?.(attrs),
        },
      ],
    },
  });
  plugin = serviceAccountAdmission({
    source: api.cache as NonNullable<typeof api.cache>,
    objects: new ObjectStore(api.store),
    retryDelayMs: () => 1,
  });
  await api.seed();
  await api.request("POST", "/api/v1/namespaces/default/serviceaccounts", { metadata: { name: "default" } });
});
after(() => api.close());

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    initContainers: [{ name: "init", image: "busybox" }],
    containers: [{ name: "c", image: "nginx" }],
    ...extra,
  },
});

test("a pod gets the default account and the kube-api-access volume in every container", async () => {
  const res = await api.request("POST", "/api/v1/namespaces/default/pods", pod("p1"));
  assert.equal(res.status, 201, res.body);
  const spec = res.json.spec;
  assert.equal(spec.serviceAccountName, "default");
  assert.equal(spec.serviceAccount, "default");
  const vol = spec.volumes.find((v: { name: string }) => v.name.startsWith("kube-api-access-"));
  assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  assert.equal(vol.projected.defaultMode, 420);
  assert.deepEqual(vol.projected.sources[0], {
    serviceAccountToken: { path: "token", expirationSeconds: 3607 },
  });
  assert.equal(vol.projected.sources[1].configMap.name, "kube-root-ca.crt");
  assert.equal(vol.projected.sources[2].downwardAPI.items[0].fieldRef.fieldPath, "metadata.namespace");
  for (const c of [...spec.initContainers, ...spec.containers]) {
    assert.deepEqual(c.volumeMounts, [{ name: vol.name, readOnly: true, mountPath: tokenMountPath }]);
  }
});

test("automountServiceAccountToken false on the pod or the account leaves the pod alone", async () => {
  const res = await api.request(
    "POST",
    "/api/v1/namespaces/default/pods",
    pod("p2", { automountServiceAccountToken: false }),
  );
  assert.equal(res.status, 201, res.body);
  assert.equal(res.json.spec.volumes, undefined);
  await api.request("POST", "/api/v1/namespaces/default/serviceaccounts", {
    metadata: { name: "quiet" },
    automountServiceAccountToken: false,
    imagePullSecrets: [{ name: "regcred" }],
  });
  const quiet = await api.request(
    "POST",
    "/api/v1/namespaces/default/pods",
    pod("p3", { serviceAccountName: "quiet" }),
  );
  assert.equal(quiet.status, 201, quiet.body);
  assert.equal(quiet.json.spec.volumes, undefined);
  assert.deepEqual(quiet.json.spec.imagePullSecrets, [{ name: "regcred" }]);
  // The pod's own choice wins over the account's.
  const loud = await api.request(
    "POST",
    "/api/v1/namespaces/default/pods",
    pod("p4", { serviceAccountName: "quiet", automountServiceAccountToken: true }),
  );
  assert.equal(loud.json.spec.volumes.length, 1);
});

test("a pod naming a missing account is refused with Kubernetes' message", async () => {
  const res = await api.request(
    "POST",
    "/api/v1/namespaces/default/pods",
    pod("p5", { serviceAccountName: "ghost" }),
  );
  assert.equal(res.status, 403);
  assert.equal(
    res.json.message,
    'pods "p5" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found',
  );
});

test("mirror pods keep their spec but may not reference secrets", async () => {
  const mirror = { "kubernetes.io/config.mirror": "abc" };
  const ok = await api.request("POST", "/api/v1/namespaces/default/pods", {
    ...pod("m1"),
    metadata: { name: "m1", annotations: mirror },
  });
  assert.equal(ok.status, 201, ok.body);
  assert.equal(ok.json.spec.volumes, undefined);
  const bad = await api.request("POST", "/api/v1/namespaces/default/pods", {
    metadata: { name: "m2", annotations: mirror },
    spec: { containers: [{ name: "c", image: "x" }], volumes: [{ name: "s", secret: { secretName: "x" } }] },
  });
  assert.equal(bad.status, 403);
  assert.match(bad.json.message, /a mirror pod may not reference secrets/);
});
