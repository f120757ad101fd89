import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CorrelatorInput, combinedPrefix, EventCorrelator } from "./event-correlator.ts";

const rs = { kind: "ReplicaSet", apiVersion: "apps/v1", namespace: "default", name: "web", uid: "u1" };
const created = (i: number): CorrelatorInput => ({
  involved: rs,
  type: "Normal",
  reason: "SuccessfulCreate",
  message: `Created pod: web-${i}`,
  component: "replicaset-controller",
});

describe("EventCorrelator", () => {
  it("turns a repeated event into count patches of the Event written first", () => {
    const c = new EventCorrelator();
    const first = c.correlate(created(0));
    const again = c.correlate(created(0));
    assert.equal(first.action, "create");
    assert.equal(again.action, "patch");
    assert.equal(again.action === "patch" && first.action === "create" && again.name === first.name, true);
    assert.equal(again.action === "patch" && again.count, 2);
    assert.match(first.action === "create" ? first.name : "", /^web\.[0-9a-f]+$/);
  });

  it("combines the 10th and later similar events into one Event (client-go's aggregator)", () => {
    const c = new EventCorrelator();
    const out = Array.from({ length: 14 }, (_, i) => c.correlate(created(i)));
    assert.deepEqual(
      out.map((o) => o.action),
      [...Array(10).fill("create"), ...Array(4).fill("patch")],
    );
    const tenth = out[9];
    const last = out[13];
    if (tenth?.action !== "create" || last?.action !== "patch") return assert.fail("unexpected actions");
    assert.equal(tenth.message, `${combinedPrefix}Created pod: web-9`);
    assert.equal(last.name, tenth.name);
    assert.equal(last.count, 5);
    assert.equal(last.message, `${combinedPrefix}Created pod: web-13`);
    // Another reason on the same object is another kind of event.
    const other = c.correlate({ ...created(0), reason: "SuccessfulDelete", message: "Deleted pod: web-0" });
    assert.equal(other.action === "create" && other.message, "Deleted pod: web-0");
  });

  it("starts over once a kind of event was quiet for the window", () => {
    let now = 0;
    const c = new EventCorrelator({ now: () => now });
    for (let i = 0; i < 9; i++) c.correlate(created(i));
    now += 601_000;
    const next = c.correlate(created(100));
    assert.equal(next.action === "create" && next.message, "Created pod: web-100");
  });

  it("skips writes past the spam burst but keeps counting, and refills over time", () => {
    let now = 0;
    const c = new EventCorrelator({ now: () => now, spamBurst: 3, spamRefillMs: 1000 });
    const e = { ...created(0), reason: "Unhealthy", type: "Warning", message: "probe failed" };
    const actions = Array.from({ length: 5 }, () => c.correlate(e).action);
    assert.deepEqual(actions, ["create", "patch", "patch", "skip", "skip"]);
    now += 1000;
    const later = c.correlate(e);
    assert.equal(later.action, "patch");
    assert.equal(later.action === "patch" && later.count, 6);
  });
});
