import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import { computeSubsets } from "./subsets.ts";

const svc = (spec: Service["spec"]): Service => ({ metadata: { name: "s", namespace: "d" }, spec });
const pod = (
  name: string,
  ip: string,
  o: { ready?: boolean; port?: string; deleting?: boolean } = {},
): Pod => ({
  metadata: {
    name,
    namespace: "d",
    uid: `u-${name}`,
    ...(o.deleting ? { deletionTimestamp: "2025-01-01T00:00:00Z" } : {}),
  },
  spec: {
    containers: [
      { name: "c", ports: o.port ? [{ name: o.port, containerPort: o.port === "http" ? 8080 : 9090 }] : [] },
    ],
  },
  status: { podIP: ip, conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }] },
});

test("groups by the port each pod resolves for a named targetPort; pods without it are left out", () => {
  const s = svc({ selector: { a: "b" }, ports: [{ name: "web", port: 80, targetPort: "http" }] });
  const subsets = computeSubsets(s, [
    pod("b", "10.0.0.2", { port: "http", ready: false }),
    pod("a", "10.0.0.1", { port: "http" }),
    pod("n", "10.0.0.3", { port: "other" }),
  ]);
  assert.equal(subsets.length, 1);
  assert.deepEqual(
    subsets[0]?.addresses?.map((a) => a.ip),
    ["10.0.0.1"],
  );
  assert.deepEqual(
    subsets[0]?.notReadyAddresses?.map((a) => a.ip),
    ["10.0.0.2"],
  );
  assert.deepEqual(subsets[0]?.ports, [{ name: "web", port: 8080, protocol: "TCP" }]);
});

test("terminating pods and pods without an IP are left out unless publishNotReadyAddresses", () => {
  const ports = [{ port: 80, targetPort: 8080 }];
  const pods = [pod("t", "10.0.0.1", { deleting: true }), pod("x", "")];
  assert.deepEqual(computeSubsets(svc({ selector: {}, ports }), pods), []);
  const published = computeSubsets(svc({ selector: {}, ports, publishNotReadyAddresses: true }), pods);
  assert.deepEqual(
    published[0]?.addresses?.map((a) => a.ip),
    ["10.0.0.1"],
  );
});
