import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod, Service } from "kubernetes-types/core/v1.js";
import { desiredSlices } from "./slices.ts";

const service: Service = {
  metadata: { name: "s", namespace: "d", labels: { tier: "x" } },
  spec: { selector: { a: "b" }, ports: [{ name: "p", port: 80, targetPort: 8080 }] },
};
const pod = (n: number, o: { ready?: boolean; deleting?: boolean } = {}): Pod => ({
  metadata: {
    name: `p${n}`,
    namespace: "d",
    uid: `u${n}`,
    ...(o.deleting ? { deletionTimestamp: "2025-01-01T00:00:00Z" } : {}),
  },
  spec: { containers: [] },
  status: {
    podIP: `10.0.${Math.floor(n / 250)}.${(n % 250) + 1}`,
    conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
  },
});

test("terminating pods stay with ready=false, serving from readiness", () => {
  const slices = [
    ...desiredSlices(service, [pod(1, { deleting: true }), pod(2, { ready: false })]).values(),
  ].flat();
  assert.deepEqual(
    slices[0]?.endpoints.map((e) => e.conditions),
    [
      { ready: false, serving: true, terminating: true },
      { ready: false, serving: false, terminating: false },
    ],
  );
  assert.deepEqual(slices[0]?.ports, [{ name: "p", port: 8080, protocol: "TCP" }]);
});

test("at most maxEndpointsPerSlice per slice; no pods gives one empty slice", () => {
  const pods = Array.from({ length: 5 }, (_, i) => pod(i));
  const slices = [...desiredSlices(service, pods, 2).values()].flat();
  assert.deepEqual(
    slices.map((s) => s.endpoints.length),
    [2, 2, 1],
  );
  const empty = [...desiredSlices(service, []).values()].flat();
  assert.deepEqual(empty, [{ addressType: "IPv4", ports: [], endpoints: [] }]);
});
