import assert from "node:assert/strict";
import { test } from "node:test";
import { CounterVec, GaugeVec, HistogramVec } from "./metric.ts";

test("counter children are cached per label values and reject negative increments", () => {
  const v = new CounterVec({ name: "c_total", help: "h", labelNames: ["verb", "code"] });
  const a = v.labels("GET", "200");
  a.inc();
  v.labels("GET", "200").inc(2);
  assert.equal(v.labels("GET", "200"), a);
  assert.equal(a.value, 3);
  assert.equal(v.size, 1);
  assert.throws(() => a.inc(-1), RangeError);
  assert.throws(() => v.labels("GET"), RangeError);
  const out: string[] = [];
  v.samples(out);
  assert.deepEqual(out, ['c_total{verb="GET",code="200"} 3']);
});

test("gauges go both ways and label values are escaped", () => {
  const g = new GaugeVec({ name: "g", help: "h", labelNames: ["path"] });
  const c = g.labels('a"b\\c\nd');
  c.inc(5);
  c.dec(2);
  const out: string[] = [];
  g.samples(out);
  assert.deepEqual(out, ['g{path="a\\"b\\\\c\\nd"} 3']);
  assert.equal(g.remove('a"b\\c\nd'), true);
  assert.equal(g.size, 0);
});

test("histograms put observations in the first bucket whose bound they do not exceed", () => {
  const h = new HistogramVec({ name: "h_seconds", help: "h", labelNames: ["op"], buckets: [0.1, 1] });
  const c = h.labels("get");
  for (const x of [0.05, 0.1, 0.5, 2, 3]) c.observe(x);
  const out: string[] = [];
  h.samples(out);
  assert.deepEqual(out, [
    'h_seconds_bucket{op="get",le="0.1"} 2',
    'h_seconds_bucket{op="get",le="1"} 3',
    'h_seconds_bucket{op="get",le="+Inf"} 5',
    'h_seconds_sum{op="get"} 5.65',
    'h_seconds_count{op="get"} 5',
  ]);
});

test("bad names, reserved labels and unsorted buckets are refused", () => {
  assert.throws(() => new CounterVec({ name: "1bad", help: "" }), RangeError);
  assert.throws(() => new CounterVec({ name: "ok", help: "", labelNames: ["__x"] }), RangeError);
  assert.throws(
    () => new HistogramVec({ name: "h", help: "", labelNames: ["le"], buckets: [1] }),
    RangeError,
  );
  assert.throws(() => new HistogramVec({ name: "h", help: "", buckets: [2, 1] }), RangeError);
});
