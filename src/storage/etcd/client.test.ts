import assert from "node:assert/strict";
import { test } from "node:test";
import { freePort, startEtcd, startRestartableEtcd } from "../../../test/support/etcd.ts";
import { StoreUnavailableError } from "../store.ts";
import { EtcdClient, parseEndpoint, parseEtcdUrl } from "./client.ts";
import { methods } from "./proto.ts";

test("endpoints are host:port, with or without a scheme", () => {
  assert.equal(parseEndpoint("10.0.0.1:2379"), "10.0.0.1:2379");
  assert.equal(parseEndpoint("http://etcd-0:2379/"), "etcd-0:2379");
  assert.equal(parseEndpoint("[::1]:2379"), "[::1]:2379");
  assert.throws(() => parseEndpoint("etcd-0"), StoreUnavailableError);
  assert.throws(() => parseEndpoint("https://etcd-0:2379"), /TLS/);
  assert.deepEqual(parseEtcdUrl("etcd://h1:2379,h2:2379"), ["h1:2379", "h2:2379"]);
});

test("connect gives up within its timeout when no endpoint answers", async () => {
  const endpoints = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  const err = await EtcdClient.connect({ endpoints, connectTimeoutMs: 800 }).catch((e: unknown) => e);
  assert.ok(err instanceof StoreUnavailableError);
  for (const e of endpoints) assert.ok(err.message.includes(e), err.message);
});

test("requests move to the next endpoint when the current one dies", async () => {
  // Two independent members stand in for a cluster: only the failover itself is observed.
  const first = await startRestartableEtcd();
  const second = await startEtcd();
  const client = await EtcdClient.connect({ endpoints: [first.endpoint, second.endpoint] });
  try {
    assert.equal(client.endpoint, first.endpoint);
    await first.kill();
    const res = await client.call(methods.range, { key: Buffer.from("x") }, { idempotent: true });
    assert.equal(res.kvs.length, 0);
    assert.equal(client.endpoint, second.endpoint);
  } finally {
    client.close();
    await first.stop();
    await second.stop();
  }
});
