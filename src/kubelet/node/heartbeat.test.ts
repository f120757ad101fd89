// Node Lease renewal on a real API server: created when missing, renewed by an update of the last
// written Lease, and by a merge patch when that Lease is stale or was deleted.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { type ClientFixture, startApi } from "../../../test/client/support.ts";
import { leases } from "../../api/coordination/lease.ts";
import { renewNodeLease } from "./heartbeat.ts";

let f: ClientFixture | undefined;
before(async () => {
  f = await startApi();
});
after(async () => {
  await f?.close();
});

test("renewals create the Lease, then update it; a stale or deleted Lease is recovered", async () => {
  assert.ok(f, "api started");
  const client = f.client.resource<Lease>(leases);
  const base = { name: "n1", uid: "uid-1", leaseDurationSeconds: 40 };
  const created = await renewNodeLease(client, { ...base, now: Date.UTC(2026, 0, 1) });
  assert.equal(created.spec?.holderIdentity, "n1");
  assert.equal(created.metadata?.ownerReferences?.[0]?.uid, "uid-1");

  const renewed = await renewNodeLease(client, {
    ...base,
    now: Date.UTC(2026, 0, 1, 0, 0, 10),
    last: created,
  });
  assert.equal(renewed.spec?.renewTime, "2026-01-01T00:00:10.000000Z");
  assert.notEqual(renewed.metadata?.resourceVersion, created.metadata?.resourceVersion);

  // `created` is now stale (409 on update): the renewal still lands.
  const again = await renewNodeLease(client, { ...base, now: Date.UTC(2026, 0, 1, 0, 0, 20), last: created });
  assert.equal(again.spec?.renewTime, "2026-01-01T00:00:20.000000Z");
  const stored = await client.get("n1", { namespace: "kube-node-lease" });
  assert.equal(stored.spec?.renewTime, "2026-01-01T00:00:20.000000Z");

  await client.delete("n1", { namespace: "kube-node-lease" });
  const recreated = await renewNodeLease(client, {
    ...base,
    now: Date.UTC(2026, 0, 1, 0, 0, 30),
    last: again,
  });
  assert.notEqual(recreated.metadata?.uid, again.metadata?.uid);
  assert.equal(recreated.spec?.renewTime, "2026-01-01T00:00:30.000000Z");
});
