// The Endpoints and EndpointSlice controllers (and the garbage collector removing slices with
// their service) on a real in-process API server; pod status is set through pods/status.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Endpoints, Pod, Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { endpointsController, endpointsResource } from "../../src/controllers/endpoints/controller.ts";
import { podsResource, servicesResource } from "../../src/controllers/endpoints/servicequeue.ts";
import {
  endpointSliceController,
  endpointSlicesResource,
} from "../../src/controllers/endpointslice/controller.ts";
import { garbageCollectorController } from "../../src/controllers/garbagecollector/controller.ts";
import { eventually, type ManagedFixture, startManaged } from "./lifecycle-support.ts";

let fx: ManagedFixture;
before(async () => {
  fx = await startManaged([garbageCollectorController, endpointsController, endpointSliceController]);
});
after(async () => {
  await fx.close();
});

const ns = { namespace: "default" };

async function pod(name: string, ip: string, ready: boolean, labels = { app: "web" }): Promise<void> {
  const pods = fx.client.resource<Pod>(podsResource);
  const created = await pods.create({
    metadata: { name, namespace: "default", labels },
    spec: {
      nodeName: "n1",
      containers: [{ name: "c", image: "nginx", ports: [{ name: "http", containerPort: 8080 }] }],
    },
  });
  await pods.updateStatus({
    ...created,
    status: {
      phase: "Running",
      podIP: ip,
      podIPs: [{ ip }],
      conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
    },
  });
}

test("Endpoints and EndpointSlices follow pods, readiness and named ports", async () => {
  await fx.client.resource<Service>(servicesResource).create({
    metadata: { name: "web", namespace: "default" },
    spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] },
  });
  await pod("web-1", "10.0.0.1", true);
  await pod("web-2", "10.0.0.2", false);
  await pod("other", "10.0.0.9", true, { app: "other" });
  const endpoints = fx.client.resource<Endpoints>(endpointsResource);
  await eventually(async () => {
    const ep = await endpoints.get("web", ns);
    assert.deepEqual(
      ep.subsets?.[0]?.addresses?.map((a) => a.ip),
      ["10.0.0.1"],
    );
    assert.deepEqual(
      ep.subsets?.[0]?.notReadyAddresses?.map((a) => a.ip),
      ["10.0.0.2"],
    );
    assert.deepEqual(ep.subsets?.[0]?.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
  });
  const slices = fx.client.resource<EndpointSlice>(endpointSlicesResource);
  await eventually(async () => {
    const list = await slices.list({ ...ns, labelSelector: "kubernetes.io/service-name=web" });
    assert.equal(list.items.length, 1);
    const s = list.items[0];
    assert.equal(
      s?.metadata?.labels?.["endpointslice.kubernetes.io/managed-by"],
      "endpointslice-controller.k8s.io",
    );
    assert.deepEqual(
      s?.endpoints?.map((e) => [
        e.addresses[0],
        e.conditions?.ready,
        e.conditions?.serving,
        e.conditions?.terminating,
      ]),
      [
        ["10.0.0.1", true, true, false],
        ["10.0.0.2", false, false, false],
      ],
    );
    assert.deepEqual(s?.ports, [{ name: "http", port: 8080, protocol: "TCP" }]);
  });
  // Deleting the Service removes its Endpoints (controller) and its slices (garbage collector).
  await fx.client.resource(servicesResource).delete("web", ns);
  await eventually(async () => {
    await assert.rejects(endpoints.get("web", ns), /not found/);
    const list = await slices.list({ ...ns, labelSelector: "kubernetes.io/service-name=web" });
    assert.equal(list.items.length, 0);
  }, 500);
});

test("publishNotReadyAddresses lists not-ready pods as ready", async () => {
  await fx.client.resource<Service>(servicesResource).create({
    metadata: { name: "peers", namespace: "default" },
    spec: { selector: { app: "peer" }, publishNotReadyAddresses: true, ports: [{ port: 7000 }] },
  });
  await pod("peer-1", "10.0.1.1", false, { app: "peer" });
  await eventually(async () => {
    const ep = await fx.client.resource<Endpoints>(endpointsResource).get("peers", ns);
    assert.deepEqual(
      ep.subsets?.[0]?.addresses?.map((a) => a.ip),
      ["10.0.1.1"],
    );
    assert.equal(ep.subsets?.[0]?.notReadyAddresses, undefined);
  });
});
