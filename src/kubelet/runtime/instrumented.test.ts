import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExposition, sumOf } from "../../../test/metrics-prom/expfmt.ts";
import { Registry } from "../../metrics/index.ts";
import { ManualClock } from "../clock.ts";
import { FakeRuntime } from "./fake/fake-runtime.ts";
import { PodIpAllocator, parseIpv4Cidr } from "./fake/ipam.ts";
import { InstrumentedRuntime } from "./instrumented.ts";
import { RuntimeNotFoundError } from "./runtime.ts";

test("runtime calls are counted and timed by operation; running pods and containers counted", async () => {
  const registry = new Registry();
  const inner = new FakeRuntime({
    clock: new ManualClock(),
    ipam: new PodIpAllocator(parseIpv4Cidr("10.64.4.0/24")),
  });
  const runtime = new InstrumentedRuntime(inner, registry);
  const sandbox = { metadata: { name: "p", namespace: "default", uid: "u1", attempt: 0 } };
  const sb = await runtime.runPodSandbox(sandbox);
  const c1 = await runtime.createContainer(
    sb,
    { metadata: { name: "a", attempt: 0 }, image: { image: "busybox:1.36" } },
    sandbox,
  );
  await runtime.createContainer(
    sb,
    { metadata: { name: "b", attempt: 0 }, image: { image: "busybox:1.36" } },
    sandbox,
  );
  await runtime.startContainer(c1);
  await assert.rejects(runtime.containerStatus("nope"), RuntimeNotFoundError);
  await runtime.images.listImages();
  let f = parseExposition(await registry.expose());
  const total = (op: string) => sumOf(f, "kubelet_runtime_operations_total", { operation_type: op });
  assert.equal(total("run_podsandbox"), 1);
  assert.equal(total("create_container"), 2);
  assert.equal(total("start_container"), 1);
  assert.equal(total("container_status"), 1);
  assert.equal(total("list_images"), 1);
  assert.equal(
    sumOf(f, "kubelet_runtime_operations_errors_total", { operation_type: "container_status" }),
    1,
  );
  const count = "kubelet_runtime_operations_duration_seconds_count";
  assert.equal(
    sumOf(f, "kubelet_runtime_operations_duration_seconds", { operation_type: "create_container" }, count),
    2,
  );
  assert.equal(sumOf(f, "kubelet_running_pods"), 1);
  assert.equal(sumOf(f, "kubelet_running_containers", { container_state: "running" }), 1);
  assert.equal(sumOf(f, "kubelet_running_containers", { container_state: "created" }), 1);
  // Scrapes do not count as operations.
  assert.equal(total("list_podsandbox"), 0);
  await runtime.close();
  f = parseExposition(await registry.expose());
  assert.equal(f.has("kubelet_running_pods"), false);
});
