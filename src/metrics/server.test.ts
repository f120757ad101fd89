import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "../../test/metrics-prom/expfmt.ts";
import { Registry } from "./registry.ts";
import { startMetricsServer } from "./server.ts";

test("the standalone listener serves the registry and process series on loopback", async () => {
  const registry = new Registry();
  registry.counter({ name: "things_total", help: "Things." }).inc(3);
  const server = await startMetricsServer({ port: 0, registry });
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    const f = parseExposition(await res.text());
    assert.equal(sumOf(f, "things_total"), 3);
    assert.ok(sumOf(f, "process_resident_memory_bytes") > 0);
    assert.equal((await fetch(`http://127.0.0.1:${server.port}/nope`)).status, 404);
  } finally {
    await server.close();
  }
});
