import assert from "node:assert/strict";
import { test } from "node:test";
import { formatCidr, PodIpAllocator, parseIpv4Cidr, subnet } from "./ipam.ts";

test("node pod CIDRs are carved from the cluster CIDR by index", () => {
  const cluster = parseIpv4Cidr("10.64.0.0/10");
  assert.equal(formatCidr(subnet(cluster, 24, 0)), "10.64.0.0/24");
  assert.equal(formatCidr(subnet(cluster, 24, 257)), "10.65.1.0/24");
  assert.throws(() => subnet(parseIpv4Cidr("10.244.0.0/16"), 24, 256), /holds only 256 subnets/);
  assert.equal(formatCidr(parseIpv4Cidr("10.1.2.3/16")), "10.1.0.0/16");
  assert.throws(() => parseIpv4Cidr("10.1.2.300/16"), /invalid IPv4/);
});

test("pod IPs skip network, gateway and broadcast, and are reused only after a full round", () => {
  const ipam = new PodIpAllocator(parseIpv4Cidr("10.0.0.0/29"));
  const ips = [1, 2, 3, 4, 5].map(() => ipam.allocate());
  assert.deepEqual(ips, ["10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"]);
  assert.throws(() => ipam.allocate(), /no free address/);
  ipam.release("10.0.0.4");
  assert.equal(ipam.allocate(), "10.0.0.4");
  assert.equal(ipam.allocated, 5);
});
