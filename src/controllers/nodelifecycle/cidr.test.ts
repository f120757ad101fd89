import assert from "node:assert/strict";
import { test } from "node:test";
import { formatIpv4Cidr, nthSubnet, parseIpv4Cidr, subnetCount, subnetIndex } from "./cidr.ts";

test("subnets of a cluster CIDR by index, and back", () => {
  const range = parseIpv4Cidr("10.42.0.0/16");
  assert.equal(subnetCount(range, 24), 256);
  assert.equal(formatIpv4Cidr(nthSubnet(range, 24, 0)), "10.42.0.0/24");
  assert.equal(formatIpv4Cidr(nthSubnet(range, 24, 255)), "10.42.255.0/24");
  assert.equal(subnetIndex(range, 24, "10.42.7.0/24"), 7);
  assert.equal(subnetIndex(range, 24, "10.64.7.0/24"), -1);
  assert.equal(subnetIndex(range, 24, "10.42.7.0/25"), -1);
  assert.equal(subnetIndex(range, 24, "fd00::/64"), -1);
  assert.equal(formatIpv4Cidr(parseIpv4Cidr("10.42.3.9/16")), "10.42.0.0/16");
  assert.throws(() => parseIpv4Cidr("10.300.0.0/16"));
});
