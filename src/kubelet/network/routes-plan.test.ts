import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node } from "kubernetes-types/core/v1.js";
import { desiredRoutes, routeChanges } from "./routes-plan.ts";

function node(name: string, ip: string | undefined, podCIDR?: string, deleting = false): Node {
  return {
    metadata: { name, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
    spec: podCIDR ? { podCIDR } : {},
    status: ip ? { addresses: [{ type: "InternalIP", address: ip }] } : {},
  };
}

test("other nodes' pod CIDRs go via their InternalIP; self, address-less, CIDR-less and same-address nodes do not", () => {
  const routes = desiredRoutes({
    nodeName: "a",
    nodes: [
      node("a", "10.0.0.2", "10.9.0.0/24"),
      node("b", "10.0.0.3", "10.9.1.0/24"),
      node("c", undefined, "10.9.2.0/24"),
      node("d", "10.0.0.4"),
      node("e", "10.0.0.2", "10.9.3.0/24"),
      node("f", "10.0.0.5", "10.9.4.0/24", true),
    ],
    serviceCidr: "10.43.0.0/16",
    bridge: "skiff0",
    nodeIP: "10.0.0.2",
  });
  assert.deepEqual(routes, [
    { dst: "10.43.0.0/16", dev: "skiff0", src: "10.0.0.2" },
    { dst: "10.9.1.0/24", via: "10.0.0.3" },
  ]);
});

test("changes: stale own routes are deleted, missing or different ones replaced, matching ones kept", () => {
  const wanted = [
    { dst: "10.9.1.0/24", via: "10.0.0.3" },
    { dst: "10.9.2.0/24", via: "10.0.0.4" },
    { dst: "10.43.0.0/16", dev: "br", src: "10.0.0.2" },
  ];
  const installed = [
    { dst: "10.9.1.0/24", gateway: "10.0.0.3", dev: "eth0" },
    { dst: "10.9.2.0/24", gateway: "10.0.0.9", dev: "eth0" },
    { dst: "10.9.5.0/24", gateway: "10.0.0.7", dev: "eth0" },
    { dst: "10.43.0.0/16", dev: "br", prefsrc: "10.0.0.2" },
  ];
  assert.deepEqual(routeChanges(wanted, installed, 205), [
    ["route", "del", "10.9.5.0/24", "proto", "205"],
    ["route", "replace", "10.9.2.0/24", "via", "10.0.0.4", "proto", "205"],
  ]);
  assert.deepEqual(routeChanges([], installed, 205).length, 4);
});

test("vxlan: nodes announcing a VTEP are routed on-link via their gateway on the device; others host-gw", () => {
  const b = node("b", "10.0.0.3", "10.9.1.0/24");
  b.metadata = {
    ...b.metadata,
    annotations: { "skiff.io/vxlan-vtep-mac": "0a:00:00:00:00:02", "skiff.io/public-ip": "10.0.0.3" },
  };
  const routes = desiredRoutes({
    nodeName: "a",
    nodes: [node("a", "10.0.0.2", "10.9.0.0/24"), b, node("c", "10.0.0.4", "10.9.2.0/24")],
    vxlanDevice: "vx",
  });
  assert.deepEqual(routes, [
    { dst: "10.9.1.0/24", via: "10.9.1.0", dev: "vx", onlink: true },
    { dst: "10.9.2.0/24", via: "10.0.0.4" },
  ]);
  assert.deepEqual(routeChanges(routes, [{ dst: "10.9.1.0/24", gateway: "10.9.1.0", dev: "eth0" }], 205)[0], [
    "route",
    "replace",
    "10.9.1.0/24",
    "via",
    "10.9.1.0",
    "dev",
    "vx",
    "onlink",
    "proto",
    "205",
  ]);
});
