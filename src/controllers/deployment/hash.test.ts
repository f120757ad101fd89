import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson, computeHash, equalIgnoreHash, safeEncode } from "./hash.ts";

describe("pod-template-hash", () => {
  const a = {
    metadata: { labels: { app: "web", tier: "fe" } },
    spec: { containers: [{ name: "c", image: "nginx" }] },
  };
  const b = {
    spec: { containers: [{ image: "nginx", name: "c" }] },
    metadata: { labels: { tier: "fe", app: "web" } },
  };

  it("does not depend on key order", () => {
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(computeHash(a), computeHash(b));
    assert.match(computeHash(a), /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });

  it("changes with the content and the collision count", () => {
    const c = { ...a, spec: { containers: [{ name: "c", image: "nginx:2" }] } };
    assert.notEqual(computeHash(a), computeHash(c));
    assert.notEqual(computeHash(a), computeHash(a, 1));
    assert.equal(computeHash(a, 1), computeHash(b, 1));
  });

  it("encodes without vowels like rand.SafeEncodeString", () => {
    assert.equal(safeEncode("0123"), "4567");
  });

  it("compares templates ignoring pod-template-hash, key order and nulls", () => {
    const hashed = {
      metadata: { labels: { app: "web", tier: "fe", "pod-template-hash": "x" }, creationTimestamp: null },
      spec: b.spec,
    };
    assert.equal(equalIgnoreHash(a, hashed as unknown as typeof a), true);
    assert.equal(equalIgnoreHash(a, { ...a, spec: { containers: [] } }), false);
  });
});
