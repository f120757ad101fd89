import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node } from "kubernetes-types/core/v1.js";
import { ingressServingAnnotation, nodeAddresses, sameIngressPoints, servingAddresses } from "./addresses.ts";

function node(name: string, internal: string, o: { external?: string; serving?: boolean } = {}): Node {
  return {
    metadata: {
      name,
      ...(o.serving ? { annotations: { [ingressServingAnnotation]: "http=80,https=443" } } : {}),
    },
    status: {
      addresses: [
        { type: "InternalIP", address: internal },
        ...(o.external ? [{ type: "ExternalIP", address: o.external }] : []),
      ],
    },
  };
}

test("a node advertises its ExternalIP when it has one, else its InternalIP", () => {
  assert.deepEqual(nodeAddresses([node("b", "10.0.0.3"), node("a", "10.0.0.2", { external: "192.0.2.1" })]), [
    "10.0.0.3",
    "192.0.2.1",
  ]);
});

test("Ingress status lists only the nodes serving ingress, or every node when none announces itself", () => {
  const nodes = [
    node("a", "10.0.0.2", { serving: true }),
    node("b", "10.0.0.3"),
    node("c", "10.0.0.4", { serving: true }),
  ];
  assert.deepEqual(servingAddresses(nodes), ["10.0.0.2", "10.0.0.4"]);
  assert.deepEqual(servingAddresses([node("a", "10.0.0.2"), node("b", "10.0.0.3")]), [
    "10.0.0.2",
    "10.0.0.3",
  ]);
  assert.ok(sameIngressPoints([{ ip: "10.0.0.2" }, { ip: "10.0.0.4" }], servingAddresses(nodes)));
  assert.ok(!sameIngressPoints([{ ip: "10.0.0.2" }], servingAddresses(nodes)));
});
