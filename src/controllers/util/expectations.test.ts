import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ControllerExpectations, slowStartBatch } from "./expectations.ts";

describe("ControllerExpectations", () => {
  it("is satisfied once creations and deletions are observed, or expired", () => {
    let t = 0;
    const e = new ControllerExpectations(1000, () => t);
    assert.equal(e.satisfied("ns/rs"), true);
    e.expectCreations("ns/rs", 2);
    assert.equal(e.satisfied("ns/rs"), false);
    e.creationObserved("ns/rs");
    e.lowerCreations("ns/rs", 1);
    assert.equal(e.satisfied("ns/rs"), true);
    e.expectDeletions("ns/rs", ["ns/a", "ns/b"]);
    e.deletionObserved("ns/rs", "ns/a");
    e.deletionObserved("ns/rs", "ns/a");
    assert.equal(e.satisfied("ns/rs"), false);
    t = 2000;
    assert.equal(e.satisfied("ns/rs"), true);
  });
});

describe("slowStartBatch", () => {
  it("runs batches of 1, 2, 4, … and stops after a failing batch", async () => {
    let calls = 0;
    const ok = await slowStartBatch(10, 1, async () => {
      calls++;
    });
    assert.deepEqual([ok.successes, calls], [10, 10]);
    calls = 0;
    const failing = await slowStartBatch(10, 1, async () => {
      calls++;
      if (calls === 3) throw new Error("quota");
    });
    // Batch 1 (1 call) succeeds, batch 2 (calls 2 and 3) fails: no third batch.
    assert.equal(calls, 3);
    assert.equal(failing.successes, 2);
    assert.ok(failing.error instanceof Error);
  });
});
