import assert from "node:assert/strict";
import { test } from "node:test";
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { servicePorts } from "./model.ts";

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
