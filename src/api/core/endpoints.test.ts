import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { endpoints, formatEndpoints } from "./endpoints.ts";

const meta = { name: "x", namespace: "default", creationTimestamp: "2024-05-01T11:59:00Z" };
const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

describe("endpoints", () => {
  it("formats up to three endpoints", () => {
    const ep = {
      subsets: [
        {
          addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: "10.0.0.3" }, { ip: "10.0.0.4" }],
          ports: [{ port: 80, protocol: "TCP" }],
        },
      ],
    };
    assert.equal(formatEndpoints(ep), "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...");
    assert.equal(formatEndpoints({}), "<none>");
    assert.deepEqual(fields(endpoints.strategy.validate?.({ metadata: meta, ...ep })), []);
    const bad: KubeObject = {
      metadata: meta,
      subsets: [{ addresses: [{ ip: "nope" }], ports: [{ port: 0, protocol: "TCP" }] }],
    };
    assert.deepEqual(fields(endpoints.strategy.validate?.(bad)), [
      ["FieldValueInvalid", "subsets[0].addresses[0].ip"],
      ["FieldValueInvalid", "subsets[0].ports[0].port"],
    ]);
  });
});
