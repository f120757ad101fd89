// The handler's instrumentation end to end in-process: counts by verb/resource/code, latency for
// short requests only, gauges that go back to zero, watch events, and /metrics itself.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type ParsedFamily, parseExposition, sumOf } from "../../../test/metrics-prom/expfmt.ts";
import { TestApi } from "../../../test/support/inprocess-api.ts";
import { metricsPathHandler } from "./endpoint.ts";

let api: TestApi;
before(async () => {
  api = new TestApi({ handler: { pathHandlers: [metricsPathHandler()] } });
  await api.seed();
});
after(async () => {
  await api.close();
});

async function scrape(): Promise<Map<string, ParsedFamily>> {
  const r = await api.request("GET", "/metrics");
  assert.equal(r.status, 200);
  assert.match(r.headers["Content-Type"] ?? r.headers["content-type"] ?? "", /version=0\.0\.4/);
  return parseExposition(r.body);
}

const total = "apiserver_request_total";
const cm = { resource: "configmaps", group: "", version: "v1" };

test("requests are counted by reported verb, scope and code and short ones timed", async () => {
  const before = await scrape();
  const ns = "/api/v1/namespaces/default/configmaps";
  assert.equal((await api.request("POST", ns, { metadata: { name: "a" } })).status, 201);
  assert.equal((await api.request("POST", ns, { metadata: { name: "a" } })).status, 409);
  assert.equal((await api.request("GET", `${ns}/a`)).status, 200);
  assert.equal((await api.request("GET", `${ns}/zz`)).status, 404);
  assert.equal((await api.request("GET", "/api/v1/nosuchresources")).status, 404);
  const after = await scrape();
  const d = (labels: Record<string, string>) => sumOf(after, total, labels) - sumOf(before, total, labels);
  assert.equal(d({ ...cm, verb: "POST", scope: "resource", code: "201" }), 1);
  assert.equal(d({ ...cm, verb: "POST", scope: "resource", code: "409" }), 1);
  assert.equal(d({ ...cm, verb: "GET", scope: "resource", code: "200" }), 1);
  assert.equal(d({ ...cm, verb: "GET", scope: "resource", code: "404" }), 1);
  // An unknown resource mints no series of its own.
  assert.equal(sumOf(after, total, { resource: "nosuchresources" }), 0);
  const dur = "apiserver_request_duration_seconds";
  const timed = (f: Map<string, ParsedFamily>) => sumOf(f, dur, { ...cm, verb: "POST" }, `${dur}_count`);
  assert.equal(timed(after) - timed(before), 2);
  assert.equal(sumOf(after, "apiserver_current_inflight_requests", { request_kind: "mutating" }), 0);
  // The scrape in flight is the one read-only request.
  assert.equal(sumOf(after, "apiserver_current_inflight_requests", { request_kind: "readOnly" }), 1);
});

test("a watch is long-running while open, sends counted events and is not timed", async () => {
  const long = { ...cm, verb: "WATCH", scope: "namespace" };
  const before = await scrape();
  const stream = api.stream("/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=30");
  await stream.head;
  await api.request("POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "w" } });
  let open = await scrape();
  for (
    let i = 0;
    i < 50 &&
    sumOf(open, "apiserver_watch_events_total", cm) === sumOf(before, "apiserver_watch_events_total", cm);
    i++
  ) {
    await new Promise((r) => setTimeout(r, 20));
    open = await scrape();
  }
  assert.equal(sumOf(open, "apiserver_longrunning_requests", long), 1);
  assert.ok(
    sumOf(open, "apiserver_watch_events_total", cm) > sumOf(before, "apiserver_watch_events_total", cm),
  );
  stream.cancel();
  await stream.done;
  const closed = await scrape();
  assert.equal(sumOf(closed, "apiserver_longrunning_requests", long), 0);
  assert.equal(
    sumOf(closed, total, { ...long, code: "200" }) - sumOf(before, total, { ...long, code: "200" }),
    1,
  );
  const dur = "apiserver_request_duration_seconds";
  assert.equal(sumOf(closed, dur, { verb: "WATCH" }, `${dur}_count`), 0);
});
