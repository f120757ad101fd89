import assert from "node:assert/strict";
import { test } from "node:test";
import { conntrackArgs, staleEntries, udpTargets } from "./conntrack.ts";
import type { ServicePort } from "./model.ts";

function port(protocol: "udp" | "tcp", endpoints: string[]): ServicePort {
  return {
    id: `ns/dns:/${protocol}`,
    namespace: "ns",
    name: "dns",
    protocol,
    clusterIPs: ["10.43.0.10"],
    port: 53,
    nodePort: 0,
    loadBalancerIPs: [],
    clusterEndpoints: endpoints.map((ip) => ({ ip, port: 53, local: false })),
    externalEndpoints: [],
    affinitySeconds: 0,
    externalLocal: false,
  };
}

test("removed UDP endpoints and a UDP service's first endpoints need a conntrack flush; TCP never", () => {
  const before = udpTargets([port("udp", ["10.42.0.5", "10.42.0.6"]), port("tcp", ["10.42.0.5"])]);
  const after = udpTargets([port("udp", ["10.42.0.6"])]);
  assert.deepEqual(staleEntries(before, after), [{ vip: "10.43.0.10", port: 53, endpoint: "10.42.0.5" }]);
  const empty = udpTargets([port("udp", [])]);
  assert.deepEqual(staleEntries(empty, after), [{ vip: "10.43.0.10", port: 53 }]);
  assert.deepEqual(staleEntries(after, after), []);
  assert.deepEqual(staleEntries(after, new Map()), [{ vip: "10.43.0.10", port: 53, endpoint: "10.42.0.6" }]);
});

test("the conntrack command deletes by original destination and, for one endpoint, by DNAT target", () => {
  assert.deepEqual(conntrackArgs({ vip: "10.43.0.10", port: 53, endpoint: "10.42.0.5" }), [
    "-D",
    "-p",
    "udp",
    "--orig-dst",
    "10.43.0.10",
    "--dport",
    "53",
    "--dst-nat",
    "10.42.0.5",
  ]);
});
