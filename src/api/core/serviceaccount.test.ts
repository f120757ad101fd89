import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { serviceAccounts } from "./serviceaccount.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "x", namespace: "default", creationTimestamp: "2024-05-01T11:59:00Z" };

describe("serviceaccounts", () => {
  it("prints SECRETS and has the token subresource", () => {
    const sa: KubeObject = { metadata: meta, secrets: [{ name: "t" }] };
    assert.deepEqual(serviceAccounts.strategy.table?.cells(sa, now), ["x", 1, "60s"]);
    assert.deepEqual(serviceAccounts.subresources?.[0]?.kind?.kind, "TokenRequest");
  });
});
