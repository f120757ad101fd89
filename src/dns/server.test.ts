// The DNS handler's answer cache: keyed by the query bytes after the id, dropped on any record change.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeResponse, encodeQuery, RType } from "./message.ts";
import { ClusterRecords } from "./records.ts";
import { DnsHandler } from "./server.ts";

function handler(): { records: ClusterRecords; dns: DnsHandler } {
  const records = new ClusterRecords();
  records.upsertService({
    metadata: { name: "web", namespace: "default" },
    spec: { clusterIP: "10.43.0.20", ports: [{ port: 80 }] },
  });
  return { records, dns: new DnsHandler(records, []) };
}

function ask(dns: DnsHandler, id: number, name: string) {
  const out = dns.handle(encodeQuery(id, name, RType.A), "udp");
  assert.ok(out instanceof Buffer);
  const r = decodeResponse(out);
  const data = r.answers[0]?.data;
  return { ...r, address: data?.type === RType.A ? data.address : undefined };
}

test("a repeated query is answered from the cache with its own id", () => {
  const { dns } = handler();
  const first = ask(dns, 1, "web.default.svc.cluster.local");
  const again = ask(dns, 2, "web.default.svc.cluster.local");
  assert.equal(first.id, 1);
  assert.equal(again.id, 2);
  assert.deepEqual(again.answers, first.answers);
  assert.equal(again.address, "10.43.0.20");
});

test("a record change is answered at once, not from the cache", () => {
  const { records, dns } = handler();
  assert.equal(ask(dns, 1, "web.default.svc.cluster.local").address, "10.43.0.20");
  records.upsertService({
    metadata: { name: "web", namespace: "default" },
    spec: { clusterIP: "10.43.0.21", ports: [{ port: 80 }] },
  });
  assert.equal(ask(dns, 3, "web.default.svc.cluster.local").address, "10.43.0.21");
  records.deleteService("default", "web");
  assert.equal(ask(dns, 4, "web.default.svc.cluster.local").rcode, 3, "NXDOMAIN once the Service is gone");
});
