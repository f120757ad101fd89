import assert from "node:assert/strict";
import { test } from "node:test";
import type { StatefulSet } from "kubernetes-types/apps/v1.js";
import { claimsFor, newPod, ordinalOf } from "./pods.ts";
import { newRevision, sameTemplate, setAtRevision } from "./revision.ts";
import { computeStatus } from "./status.ts";

const set: StatefulSet = {
  metadata: { name: "web", namespace: "default", uid: "u1" },
  spec: {
    serviceName: "svc",
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "c", image: "nginx" }], volumes: [{ name: "www", emptyDir: {} }] },
    },
    volumeClaimTemplates: [{ metadata: { name: "www" }, spec: { accessModes: ["ReadWriteOnce"] } }],
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
  },
};

test("ordinals only for <set>-<n> names", () => {
  assert.equal(ordinalOf(set, { metadata: { name: "web-12" } }), 12);
  assert.equal(ordinalOf(set, { metadata: { name: "web-01" } }), -1);
  assert.equal(ordinalOf(set, { metadata: { name: "web-x" } }), -1);
  assert.equal(ordinalOf(set, { metadata: { name: "webby-1" } }), -1);
});

test("a pod's identity: name, labels, hostname, claim replacing the template volume", () => {
  const pod = newPod(set, 2, "web-abc");
  assert.equal(pod.metadata?.name, "web-2");
  assert.deepEqual(pod.metadata?.labels, {
    app: "web",
    "statefulset.kubernetes.io/pod-name": "web-2",
    "apps.kubernetes.io/pod-index": "2",
    "controller-revision-hash": "web-abc",
  });
  assert.equal(pod.spec?.hostname, "web-2");
  assert.equal(pod.spec?.subdomain, "svc");
  assert.deepEqual(pod.spec?.volumes, [{ name: "www", persistentVolumeClaim: { claimName: "www-web-2" } }]);
  const [claim] = claimsFor(set, 2);
  assert.equal(claim?.metadata?.name, "www-web-2");
  assert.deepEqual(claim?.metadata?.labels, { app: "web" });
  assert.equal(claim?.metadata?.ownerReferences?.[0]?.kind, "StatefulSet");
});

test("revisions carry a replace patch of the template and restore it", () => {
  const r = newRevision(set, 1, 0);
  assert.match(r.metadata?.name ?? "", /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal((r.data as { spec: { template: { $patch: string } } }).spec.template.$patch, "replace");
  assert.ok(sameTemplate(r, set));
  const changed = {
    ...set,
    spec: { ...(set.spec ?? { selector: {}, template: {}, serviceName: "" }), template: {} },
  };
  assert.ok(!sameTemplate(r, changed));
  assert.deepEqual(setAtRevision(changed, r).spec?.template, set.spec?.template);
});

test("status: the update revision becomes current once every pod is updated and ready", () => {
  const ready = (name: string, rev: string) => ({
    metadata: { name, labels: { "controller-revision-hash": rev } },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  });
  const now = new Date();
  const partial = computeStatus(
    set,
    [ready("web-0", "a"), ready("web-1", "b")],
    { current: "a", update: "b", collisionCount: 0 },
    now,
  );
  assert.deepEqual([partial.currentReplicas, partial.updatedReplicas, partial.currentRevision], [1, 1, "a"]);
  const done = computeStatus(
    set,
    [ready("web-0", "b"), ready("web-1", "b")],
    { current: "a", update: "b", collisionCount: 0 },
    now,
  );
  assert.deepEqual([done.currentReplicas, done.updatedReplicas, done.currentRevision], [2, 2, "b"]);
});
