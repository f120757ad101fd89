// The standalone scheduler and controller-manager serve their Prometheus series on
// --metrics-bind-address; the text parses strictly and carries their own series.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { parseExposition } from "./expfmt.ts";

const server = new SkiffServer();
const children: SkiffChild[] = [];
before(() => server.start());
after(async () => {
  for (const c of children) await c.stop();
  await server.stop();
});

async function scrape(out: string): Promise<Map<string, unknown>> {
  const url = /metrics at (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(out)?.[1];
  assert.ok(url, out);
  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return parseExposition(await res.text());
}

test("skiff scheduler --metrics-bind-address serves scheduler and process series", async () => {
  const child = await SkiffChild.start(
    [
      "scheduler",
      "--kubeconfig",
      server.kubeconfig,
      "--scheduler-name",
      "metrics-test",
      "--no-leader-elect",
      "--metrics-bind-address",
      "127.0.0.1:0",
    ],
    "skiff scheduler running",
  );
  children.push(child);
  const families = await scrape(child.out);
  for (const name of [
    "scheduler_pending_pods",
    "process_resident_memory_bytes",
    "process_cpu_seconds_total",
  ]) {
    assert.ok(families.has(name), `${name} in ${[...families.keys()].join(" ")}`);
  }
});

test("skiff controller-manager --metrics-bind-address serves workqueue series", async () => {
  const child = await SkiffChild.start(
    [
      "controller-manager",
      "--kubeconfig",
      server.kubeconfig,
      "--lease-name",
      "metrics-test",
      "--metrics-bind-address",
      "127.0.0.1:0",
    ],
    "skiff controller-manager started",
  );
  children.push(child);
  // The controllers (and their queues) start once the manager holds its Lease.
  let families = await scrape(child.out);
  for (let i = 0; i < 100 && !families.has("workqueue_adds_total"); i++) {
    await new Promise((r) => setTimeout(r, 200));
    families = await scrape(child.out);
  }
  assert.ok(families.has("workqueue_adds_total"), [...families.keys()].join(" "));
});
