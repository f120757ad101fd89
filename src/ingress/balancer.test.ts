import assert from "node:assert/strict";
import { test } from "node:test";
import { Balancer } from "./balancer.ts";

const targets = [
  { host: "10.0.0.1", port: 80 },
  { host: "10.0.0.2", port: 80 },
  { host: "10.0.0.3", port: 80 },
];

test("round robin visits every endpoint in turn", () => {
  const b = new Balancer();
  const seen = Array.from({ length: 6 }, () => b.pick("svc", targets)?.host);
  assert.deepEqual(seen, ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.3"]);
});

test("an endpoint marked down is skipped until its cool-down ends; excluded ones too", () => {
  let now = 1000;
  const b = new Balancer({ cooldownMs: 500, now: () => now });
  b.markDown({ host: "10.0.0.2", port: 80 });
  const seen = Array.from({ length: 4 }, () => b.pick("svc", targets)?.host);
  assert.deepEqual(seen, ["10.0.0.1", "10.0.0.3", "10.0.0.1", "10.0.0.3"]);
  assert.equal(b.pick("other", targets, "10.0.0.1:80")?.host, "10.0.0.3");
  now = 1600;
  assert.ok(!b.isDown({ host: "10.0.0.2", port: 80 }));
  assert.equal(b.pick("other2", targets.slice(1, 2))?.host, "10.0.0.2");
});

test("when every endpoint is down one is tried anyway; none at all gives undefined", () => {
  const b = new Balancer();
  for (const t of targets) b.markDown(t);
  assert.ok(b.pick("svc", targets));
  assert.equal(b.pick("svc", []), undefined);
  assert.equal(b.pick("svc", targets.slice(0, 1), "10.0.0.1:80"), undefined);
});
