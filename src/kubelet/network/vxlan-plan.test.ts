import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node } from "kubernetes-types/core/v1.js";
import {
  networkAddress,
  publicIPAnnotation,
  vtepMac,
  vtepMacAnnotation,
  vxlanChanges,
  vxlanPeers,
} from "./vxlan-plan.ts";

function node(name: string, podCIDR: string | undefined, mac?: string, ip?: string): Node {
  return {
    metadata: {
      name,
      annotations: {
        ...(mac ? { [vtepMacAnnotation]: mac } : {}),
        ...(ip ? { [publicIPAnnotation]: ip } : {}),
      },
    },
    spec: podCIDR ? { podCIDR } : {},
  };
}

test("a VTEP MAC is stable per node, locally administered and unicast", () => {
  assert.equal(vtepMac("a"), vtepMac("a"));
  assert.notEqual(vtepMac("a"), vtepMac("b"));
  assert.match(vtepMac("a"), /^0a(:[0-9a-f]{2}){5}$/);
});

test("the gateway of a pod CIDR is its network address", () => {
  assert.equal(networkAddress("10.207.65.0/24"), "10.207.65.0");
  assert.equal(networkAddress("10.9.1.128/25"), "10.9.1.128");
  assert.equal(networkAddress("10.9.1.77/16"), "10.9.0.0");
});

test("peers are the other nodes announcing a MAC, a public IP and an IPv4 pod CIDR", () => {
  const peers = vxlanPeers("a", [
    node("a", "10.9.0.0/24", "0a:00:00:00:00:01", "10.0.0.2"),
    node("c", "10.9.2.0/24", "0A:00:00:00:00:03", "10.0.0.4"),
    node("b", "10.9.1.0/24", "0a:00:00:00:00:02", "10.0.0.3"),
    node("d", "10.9.3.0/24"),
    node("e", undefined, "0a:00:00:00:00:05", "10.0.0.6"),
  ]);
  assert.deepEqual(peers, [
    {
      node: "b",
      podCidr: "10.9.1.0/24",
      gateway: "10.9.1.0",
      mac: "0a:00:00:00:00:02",
      publicIP: "10.0.0.3",
    },
    {
      node: "c",
      podCidr: "10.9.2.0/24",
      gateway: "10.9.2.0",
      mac: "0a:00:00:00:00:03",
      publicIP: "10.0.0.4",
    },
  ]);
});

test("FDB and neighbour changes: stale entries go, missing ones are added, matching ones kept", () => {
  const peers = vxlanPeers("a", [
    node("b", "10.9.1.0/24", "0a:00:00:00:00:02", "10.0.0.3"),
    node("c", "10.9.2.0/24", "0a:00:00:00:00:03", "10.0.0.4"),
  ]);
  const changes = vxlanChanges(
    peers,
    [
      { mac: "0a:00:00:00:00:02", dst: "10.0.0.3" },
      { mac: "0a:00:00:00:00:09", dst: "10.0.0.9" },
      { mac: "00:00:00:00:00:00", dst: "10.0.0.1" },
      { mac: "0a:00:00:00:00:03" },
    ],
    [
      { dst: "10.9.1.0", lladdr: "0a:00:00:00:00:02" },
      { dst: "10.9.2.0", lladdr: "0a:00:00:00:00:07" },
    ],
    "vx",
  );
  assert.deepEqual(changes, [
    { tool: "bridge", args: ["fdb", "del", "0a:00:00:00:00:09", "dev", "vx", "dst", "10.0.0.9", "self"] },
    { tool: "ip", args: ["neigh", "del", "10.9.2.0", "dev", "vx"] },
    {
      tool: "bridge",
      args: ["fdb", "replace", "0a:00:00:00:00:03", "dev", "vx", "dst", "10.0.0.4", "self", "permanent"],
    },
    {
      tool: "ip",
      args: ["neigh", "replace", "10.9.2.0", "lladdr", "0a:00:00:00:00:03", "dev", "vx", "nud", "permanent"],
    },
  ]);
  assert.deepEqual(vxlanChanges([], [], []), []);
});
