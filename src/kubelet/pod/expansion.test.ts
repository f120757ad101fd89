import assert from "node:assert/strict";
import { test } from "node:test";
import { expandWith } from "./expansion.ts";

test("$(VAR) expansion follows Kubernetes' rules", () => {
  const env = new Map([
    ["A", "alpha"],
    ["B", "beta"],
  ]);
  assert.equal(expandWith("$(A)-$(B)", env), "alpha-beta");
  assert.equal(expandWith("$(MISSING)", env), "$(MISSING)");
  assert.equal(expandWith("$$(A)", env), "$(A)");
  assert.equal(expandWith("cost $5 $", env), "cost $5 $");
  assert.equal(expandWith("$(A", env), "$(A");
  assert.equal(expandWith("$()", env), "$()");
});
