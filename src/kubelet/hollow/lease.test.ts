// Hollow Lease renewals on a real API server: one POST to create, then one PUT per renewal whose
// body is the Lease's fields only; a Lease updated by someone else (409) or deleted is recovered,
// and what the node keeps is the small Lease the next renewal needs.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { type ClientFixture, startApi } from "../../../test/client/support.ts";
import { leases } from "../../api/coordination/lease.ts";
import type { Transport, TransportRequest } from "../../client/transport.ts";
import { microTime } from "../node/heartbeat.ts";
import { renewalBody, renewHollowLease } from "./lease.ts";

let f: ClientFixture | undefined;
const sent: TransportRequest[] = [];
before(async () => {
  f = await startApi({
    wrap: (t: Transport): Transport => ({
      request: (r) => {
        sent.push(r);
        return t.request(r);
      },
      stream: (r) => t.stream(r),
      close: () => t.close(),
    }),
  });
});
after(async () => {
  await f?.close();
});

const direct = { run: <T>(fn: () => Promise<T>) => fn() };

test("renewals: POST once, then one PUT each; a stale or deleted Lease is recovered", async () => {
  assert.ok(f, "api started");
  const client = f.client.resource<Lease>(leases);
  const base = { name: "hn-1", uid: "node-uid-1", leaseDurationSeconds: 40 };
  const t0 = Date.UTC(2026, 0, 1);
  sent.length = 0;
  const created = await renewHollowLease(client, { ...base, now: t0 }, direct);
  assert.deepEqual(
    sent.map((r) => r.method),
    ["POST"],
  );
  assert.deepEqual(Object.keys(created.metadata ?? {}).sort(), [
    "name",
    "namespace",
    "resourceVersion",
    "uid",
  ]);

  sent.length = 0;
  const renewed = await renewHollowLease(client, { ...base, now: t0 + 10_000, last: created }, direct);
  assert.deepEqual(
    sent.map((r) => r.method),
    ["PUT"],
  );
  const body = JSON.parse(sent[0]?.body ?? "{}") as Lease;
  assert.equal(body.metadata?.managedFields, undefined);
  assert.equal(body.metadata?.resourceVersion, created.metadata?.resourceVersion);
  const stored = await client.get("hn-1", { namespace: "kube-node-lease" });
  assert.equal(stored.spec?.renewTime, microTime(t0 + 10_000));
  assert.equal(stored.spec?.holderIdentity, "hn-1");
  assert.equal(stored.spec?.leaseDurationSeconds, 40);
  assert.deepEqual(stored.metadata?.ownerReferences, [
    { apiVersion: "v1", kind: "Node", name: "hn-1", uid: "node-uid-1" },
  ]);
  assert.equal(stored.metadata?.resourceVersion, renewed.metadata?.resourceVersion);

  // Someone else wrote the Lease: the PUT of the stale one conflicts, a patch renews it.
  await client.update({ ...stored, metadata: { ...stored.metadata, labels: { touched: "yes" } } });
  const afterConflict = await renewHollowLease(client, { ...base, now: t0 + 20_000, last: renewed }, direct);
  const patched = await client.get("hn-1", { namespace: "kube-node-lease" });
  assert.equal(patched.spec?.renewTime, microTime(t0 + 20_000));
  assert.equal(patched.metadata?.labels?.touched, "yes");
  assert.equal(afterConflict.metadata?.resourceVersion, patched.metadata?.resourceVersion);

  // Deleted: created again.
  await client.delete("hn-1", { namespace: "kube-node-lease" });
  await renewHollowLease(client, { ...base, now: t0 + 30_000, last: afterConflict }, direct);
  const again = await client.get("hn-1", { namespace: "kube-node-lease" });
  assert.equal(again.spec?.renewTime, microTime(t0 + 30_000));
});

test("the renewal body escapes names and carries the Lease's fields only", () => {
  const body = renewalBody(
    { name: 'a"b', uid: "u", leaseDurationSeconds: 40, now: 0 },
    { metadata: { uid: "lease-uid", resourceVersion: "7" } },
    microTime(0),
  );
  assert.deepEqual(JSON.parse(body), {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: 'a"b',
      namespace: "kube-node-lease",
      uid: "lease-uid",
      resourceVersion: "7",
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name: 'a"b', uid: "u" }],
    },
    spec: { holderIdentity: 'a"b', leaseDurationSeconds: 40, renewTime: microTime(0) },
  });
});
