import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "../../test/metrics-prom/expfmt.ts";
import { Registry } from "./registry.ts";

test("families are get-or-create by name and clash on another type or labels", () => {
  const r = new Registry();
  const a = r.counterVec({ name: "x_total", help: "h", labelNames: ["a"] });
  assert.equal(r.counterVec({ name: "x_total", help: "h", labelNames: ["a"] }), a);
  assert.throws(() => r.gaugeVec({ name: "x_total", help: "h", labelNames: ["a"] }), RangeError);
  assert.throws(() => r.counterVec({ name: "x_total", help: "h", labelNames: ["b"] }), RangeError);
});

test("exposition is sorted, typed, skips empty vectors and parses strictly", async () => {
  const r = new Registry();
  r.counter({ name: "b_total", help: "B with \\ and\nnewline." }).inc(2);
  r.gauge({ name: "a", help: "A." }).set(-1.5);
  r.counterVec({ name: "empty_total", help: "nothing yet", labelNames: ["x"] });
  r.histogram({ name: "h_seconds", help: "H.", buckets: [1, 2] }).observe(1.5);
  const text = await r.expose();
  assert.ok(text.startsWith("# HELP a A.\n# TYPE a gauge\na -1.5\n"));
  assert.ok(text.includes("# HELP b_total B with \\\\ and\\nnewline.\n"));
  assert.ok(!text.includes("empty_total"));
  const f = parseExposition(text);
  assert.equal(f.get("b_total")?.help, "B with \\ and\nnewline.");
  assert.equal(sumOf(f, "h_seconds", { le: "2" }, "h_seconds_bucket"), 1);
  assert.equal(sumOf(f, "h_seconds", {}, "h_seconds_count"), 1);
});

test("callback families sum their sources, skip failing ones and drop removed ones", async () => {
  const r = new Registry();
  const fam = r.callback({ name: "running", help: "R.", type: "gauge", labelNames: ["node"] });
  const removeA = fam.add(() => [{ labels: ["n1"], value: 2 }]);
  fam.add(async () => [
    { labels: ["n1"], value: 3 },
    { labels: ["n2"], value: 1 },
  ]);
  fam.add(() => {
    throw new Error("store closed");
  });
  let f = parseExposition(await r.expose());
  assert.equal(sumOf(f, "running", { node: "n1" }), 5);
  assert.equal(sumOf(f, "running", { node: "n2" }), 1);
  removeA();
  f = parseExposition(await r.expose());
  assert.equal(sumOf(f, "running", { node: "n1" }), 3);
  assert.throws(() => r.callback({ name: "running", help: "R.", type: "counter", labelNames: ["node"] }));
});
