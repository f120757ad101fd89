import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node } from "kubernetes-types/core/v1.js";
import { desiredIngress, nodeAddresses, sameIngress } from "./addresses.ts";

const node = (addresses: { type: string; address: string }[]): Node => ({
  metadata: { name: "n" },
  status: { addresses },
});

test("each node's ExternalIP, else its InternalIP, IPv4 only, sorted and de-duplicated", () => {
  assert.deepEqual(
    nodeAddresses([
      node([
        { type: "InternalIP", address: "10.0.0.9" },
        { type: "ExternalIP", address: "192.0.2.1" },
      ]),
      node([
        { type: "InternalIP", address: "10.0.0.2" },
        { type: "InternalIP", address: "fd00::2" },
      ]),
      node([
        { type: "InternalIP", address: "10.0.0.2" },
        { type: "Hostname", address: "x" },
      ]),
    ]),
    ["10.0.0.2", "192.0.2.1"],
  );
});

test("status comparison sees changed addresses", () => {
  const want = desiredIngress(["10.0.0.2"]);
  assert.ok(sameIngress([{ ip: "10.0.0.2", ipMode: "VIP" }], want));
  assert.ok(!sameIngress([{ ip: "10.0.0.3", ipMode: "VIP" }], want));
  assert.ok(!sameIngress(undefined, want));
  assert.ok(sameIngress(undefined, []));
});
