import assert from "node:assert/strict";
import { test } from "node:test";
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { ServicePortCache, servicePorts } from "./model.ts";

const svc = (name: string, spec: Service["spec"]): Service => ({ metadata: { name, namespace: "ns" }, spec });
const slice = (service: string, endpoints: EndpointSlice["endpoints"]): EndpointSlice => ({
  addressType: "IPv4",
  metadata: { name: `${service}-x`, namespace: "ns", labels: { "kubernetes.io/service-name": service } },
  ports: [{ name: "http", port: 8080, protocol: "TCP" }],
  endpoints,
});

test("ready endpoints serve; terminating-serving ones only when none is ready", () => {
  const ports = servicePorts(
    [svc("a", { clusterIP: "10.43.0.1", ports: [{ name: "http", port: 80 }] })],
    [
      slice("a", [
        { addresses: ["10.42.0.2"], conditions: { ready: true } },
        { addresses: ["10.42.0.3"], conditions: { ready: false, serving: true, terminating: true } },
      ]),
    ],
    "n1",
  );
  assert.deepEqual(
    ports[0]?.clusterEndpoints.map((e) => e.ip),
    ["10.42.0.2"],
  );
  const draining = servicePorts(
    [svc("a", { clusterIP: "10.43.0.1", ports: [{ name: "http", port: 80 }] })],
    [
      slice("a", [
        { addresses: ["10.42.0.3"], conditions: { ready: false, serving: true, terminating: true } },
      ]),
    ],
    "n1",
  );
  assert.deepEqual(
    draining[0]?.clusterEndpoints.map((e) => e.ip),
    ["10.42.0.3"],
  );
});

test("Local traffic policies keep this node's endpoints; headless and ExternalName are skipped", () => {
  const ports = servicePorts(
    [
      svc("a", {
        type: "NodePort",
        clusterIP: "10.43.0.1",
        externalTrafficPolicy: "Local",
        internalTrafficPolicy: "Cluster",
        sessionAffinity: "ClientIP",
        ports: [{ name: "http", port: 80, nodePort: 30001 }],
      }),
      svc("h", { clusterIP: "None", ports: [{ name: "http", port: 80 }] }),
      svc("e", { type: "ExternalName", externalName: "x.example" }),
    ],
    [
      slice("a", [
        { addresses: ["10.42.0.2"], nodeName: "n1" },
        { addresses: ["10.42.0.3"], nodeName: "n2" },
      ]),
    ],
    "n1",
  );
  assert.equal(ports.length, 1);
  const a = ports[0];
  assert.deepEqual(
    a?.clusterEndpoints.map((e) => e.ip),
    ["10.42.0.2", "10.42.0.3"],
  );
  assert.deepEqual(
    a?.externalEndpoints.map((e) => e.ip),
    ["10.42.0.2"],
  );
  assert.equal(a?.nodePort, 30001);
  assert.equal(a?.affinitySeconds, 10800);
  assert.equal(a?.externalLocal, true);
});

test("the cache reuses a Service's entries until it or one of its slices changes version", () => {
  const versioned = <T extends { metadata?: object }>(o: T, rv: string): T => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: rv },
  });
  const a = versioned(svc("a", { clusterIP: "10.43.0.1", ports: [{ name: "http", port: 80 }] }), "1");
  const b = versioned(svc("b", { clusterIP: "10.43.0.2", ports: [{ name: "http", port: 80 }] }), "2");
  const sliceA = versioned(slice("a", [{ addresses: ["10.42.0.2"] }]), "3");
  const sliceB = versioned(slice("b", [{ addresses: ["10.42.0.3"] }]), "4");
  const cache = new ServicePortCache("n1");
  const first = cache.compute([a, b], [sliceA, sliceB]);
  assert.deepEqual(first, servicePorts([a, b], [sliceA, sliceB], "n1"));
  const changedB = versioned(slice("b", [{ addresses: ["10.42.0.4"] }]), "5");
  const second = cache.compute([a, b], [sliceA, changedB]);
  assert.equal(second[0], first[0], "service a's entry is the same object");
  assert.notEqual(second[1], first[1]);
  assert.deepEqual(
    second[1]?.clusterEndpoints.map((e) => e.ip),
    ["10.42.0.4"],
  );
  // Objects without versions are never taken for unchanged.
  const plain = new ServicePortCache("n1");
  const p1 = plain.compute([svc("a", { clusterIP: "10.43.0.1", ports: [{ name: "http", port: 80 }] })], []);
  const p2 = plain.compute([svc("a", { clusterIP: "10.43.0.1", ports: [{ name: "http", port: 80 }] })], []);
  assert.notEqual(p1[0], p2[0]);
});
