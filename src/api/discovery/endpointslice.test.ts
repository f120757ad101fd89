import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type EndpointSlice, endpointslices } from "./endpointslice.ts";

describe("endpointslices", () => {
  const s = endpointslices.strategy;
  const es = (): EndpointSlice => ({
    metadata: { name: "web-abc", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
    addressType: "IPv4",
    endpoints: [{ addresses: ["10.244.0.5"] }, { addresses: ["10.244.0.6"] }],
    ports: [{ port: 80 }],
  });
  it("defaults port protocol and validates addresses against the type", () => {
    const e = es();
    s.defaults?.(e);
    assert.equal(e.ports?.[0]?.protocol, "TCP");
    assert.deepEqual(s.validate?.(e), []);
    const bad = es();
    bad.endpoints = [{ addresses: ["fe80::1"] }, { addresses: [] }];
    assert.deepEqual(
      (s.validate?.(bad) ?? []).map((x) => `${x.type} ${x.field}`),
      ["FieldValueInvalid endpoints[0].addresses[0]", "FieldValueRequired endpoints[1].addresses"],
    );
  });
  it("keeps addressType immutable and prints ports and endpoints", () => {
    const next = { ...es(), addressType: "IPv6" };
    assert.ok(
      (s.validateUpdate?.(next, es()) ?? []).some(
        (e) => e.field === "addressType" && e.detail === "field is immutable",
      ),
    );
    assert.deepEqual(s.table?.cells(es(), new Date("2024-01-01T00:00:02Z")), [
      "web-abc",
      "IPv4",
      "80",
      "10.244.0.5,10.244.0.6",
      "2s",
    ]);
  });
});
