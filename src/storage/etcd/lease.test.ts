import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type EtcdServer, startEtcd } from "../../../test/support/etcd.ts";
import { EtcdClient } from "./client.ts";
import { LeaseManager, reuseSeconds } from "./lease.ts";

let etcd: EtcdServer;
let client: EtcdClient;

before(async () => {
  etcd = await startEtcd();
  client = await EtcdClient.connect({ endpoints: [etcd.endpoint] });
});

after(async () => {
  client?.close();
  await etcd?.stop();
});

test("the reuse window is 5% of the TTL, between 1 and 60 seconds", () => {
  assert.equal(reuseSeconds(2), 1);
  assert.equal(reuseSeconds(100), 5);
  assert.equal(reuseSeconds(3600), 60);
});

test("a burst of writes with one TTL shares one lease; another TTL gets its own", async () => {
  const leases = new LeaseManager(client);
  const ids = await Promise.all(Array.from({ length: 1000 }, () => leases.leaseFor(30)));
  assert.equal(new Set(ids).size, 1);
  assert.ok(Number.isSafeInteger(ids[0]));
  const other = await leases.leaseFor(60);
  assert.notEqual(other, ids[0]);
});

test("a lease is not reused once it could expire before the new write's TTL", async () => {
  let now = 1_000_000;
  const leases = new LeaseManager(client, () => now);
  const first = await leases.leaseFor(20); // granted for 21 s: reusable for 1 s
  now += 500;
  assert.equal(await leases.leaseFor(20), first);
  now += 600;
  assert.notEqual(await leases.leaseFor(20), first);
  leases.forget(first);
});
