import assert from "node:assert/strict";
import { test } from "node:test";
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { RCode, RType } from "./message.ts";
import { ClusterRecords } from "./records.ts";

function records(): ClusterRecords {
  const r = new ClusterRecords();
  const svc = (name: string, spec: Service["spec"]): Service => ({
    metadata: { name, namespace: "shop" },
    spec,
  });
  r.upsertService(
    svc("web", { clusterIP: "10.43.0.20", ports: [{ name: "http", port: 80, protocol: "TCP" }] }),
  );
  r.upsertService(svc("db", { clusterIP: "None", ports: [{ name: "pg", port: 5432 }] }));
  r.upsertService(svc("ext", { type: "ExternalName", externalName: "example.org." }));
  const slice: EndpointSlice = {
    addressType: "IPv4",
    metadata: { name: "db-abc", namespace: "shop", labels: { "kubernetes.io/service-name": "db" } },
    ports: [{ name: "pg", port: 5432, protocol: "TCP" }],
    endpoints: [
      { addresses: ["10.42.0.5"], hostname: "db-0", conditions: { ready: true } },
      { addresses: ["10.42.0.6"], hostname: "db-1", conditions: { ready: true } },
      { addresses: ["10.42.0.7"], hostname: "db-2", conditions: { ready: false } },
    ],
  };
  r.upsertSlice(slice);
  return r;
}

const q = (name: string, type: number = RType.A) => ({ name, type, class: 1 });
const addresses = (a: ReturnType<ClusterRecords["lookup"]>) =>
  (a?.answers ?? []).map((r) =>
    "address" in r.data ? r.data.address : "target" in r.data ? r.data.target : "",
  );

test("a ClusterIP service answers its IP, a headless one its ready endpoints", () => {
  const r = records();
  assert.deepEqual(addresses(r.lookup(q("web.shop.svc.cluster.local"))), ["10.43.0.20"]);
  assert.deepEqual(addresses(r.lookup(q("db.shop.svc.cluster.local"))), ["10.42.0.5", "10.42.0.6"]);
  assert.deepEqual(addresses(r.lookup(q("db-1.db.shop.svc.cluster.local"))), ["10.42.0.6"]);
  assert.equal(r.lookup(q("db-2.db.shop.svc.cluster.local"))?.rcode, RCode.NXDomain);
});

test("SRV records name the port and target, with addresses in the additional section", () => {
  const r = records();
  const web = r.lookup(q("_http._tcp.web.shop.svc.cluster.local", RType.SRV));
  assert.deepEqual(
    web?.answers.map((a) => a.data),
    [{ type: RType.SRV, priority: 0, weight: 100, port: 80, target: "web.shop.svc.cluster.local" }],
  );
  assert.deepEqual(addresses({ ...web, answers: web?.additional ?? [] } as never), ["10.43.0.20"]);
  const db = r.lookup(q("_pg._tcp.db.shop.svc.cluster.local", RType.SRV));
  assert.deepEqual(addresses(db), ["db-0.db.shop.svc.cluster.local", "db-1.db.shop.svc.cluster.local"]);
  assert.equal(r.lookup(q("_nope._tcp.web.shop.svc.cluster.local", RType.SRV))?.rcode, RCode.NXDomain);
});

test("pods, ExternalName, missing names, other types and other zones", () => {
  const r = records();
  assert.deepEqual(addresses(r.lookup(q("10-42-0-9.shop.pod.cluster.local"))), ["10.42.0.9"]);
  assert.equal(r.lookup(q("10-42-0-999.shop.pod.cluster.local"))?.rcode, RCode.NXDomain);
  assert.deepEqual(addresses(r.lookup(q("ext.shop.svc.cluster.local"))), ["example.org"]);
  const missing = r.lookup(q("nope.shop.svc.cluster.local"));
  assert.equal(missing?.rcode, RCode.NXDomain);
  assert.equal(missing?.authority[0]?.data.type, RType.SOA);
  const aaaa = r.lookup(q("web.shop.svc.cluster.local", RType.AAAA));
  assert.equal(aaaa?.rcode, RCode.NoError);
  assert.equal(aaaa?.answers.length, 0);
  assert.equal(r.lookup(q("example.org")), undefined);
  assert.deepEqual(addresses(r.lookup(q("20.0.43.10.in-addr.arpa", RType.PTR))), [
    "web.shop.svc.cluster.local",
  ]);
});

test("deletions remove records", () => {
  const r = records();
  r.deleteSlice("shop", "db-abc");
  assert.equal(r.lookup(q("db.shop.svc.cluster.local"))?.answers.length, 0);
  r.deleteService("shop", "web");
  assert.equal(r.lookup(q("web.shop.svc.cluster.local"))?.rcode, RCode.NXDomain);
  r.deleteService("shop", "db");
  r.deleteService("shop", "ext");
  assert.equal(r.lookup(q("shop.svc.cluster.local"))?.rcode, RCode.NXDomain);
});
