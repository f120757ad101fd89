// Runs the shared Store conformance suite against a real etcd (one server, a fresh key prefix per test).
import { after, before } from "node:test";
import { type EtcdServer, startEtcd } from "../../../test/support/etcd.ts";
import { describeStoreConformance } from "../conformance.ts";
import { EtcdStore } from "./etcd-store.ts";

let etcd: EtcdServer | undefined;
let n = 0;

before(async () => {
  etcd = await startEtcd();
});

after(async () => {
  await etcd?.stop();
});

describeStoreConformance("etcd", async () => {
  if (!etcd) throw new Error("etcd did not start");
  const store = await EtcdStore.connect({
    endpoints: [etcd.endpoint],
    prefix: `/conformance/${process.pid}/${++n}/`,
    compaction: false,
  });
  let closed = false;
  return {
    store,
    cleanup: async () => {
      if (!closed) await store.close();
      closed = true;
    },
  };
});
