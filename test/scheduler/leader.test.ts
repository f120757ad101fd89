// Two schedulers on one cluster: only the holder of kube-system/kube-scheduler schedules; when
// it stops (releasing the Lease) the other takes over and binds what is pending.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { nodesResource, podsResource } from "../../src/scheduler/coords.ts";
import { runScheduler } from "../../src/scheduler/run.ts";
import { eventually, nodeObject, nodeOfPod, podObject, startApi } from "./support.ts";

test("one active scheduler at a time; the standby takes over", async () => {
  const api = await startApi();
  const timings = { leaseDurationMs: 1500, renewDeadlineMs: 1000, retryPeriodMs: 100 };
  const queue = { initialBackoffMs: 50, maxBackoffMs: 200 };
  const a = runScheduler({ client: api.client, identity: "a", queue, ...timings });
  let b: ReturnType<typeof runScheduler> | undefined;
  try {
    await eventually(async () => (a.current() ? true : undefined), "a leading");
    b = runScheduler({ client: api.client, identity: "b", queue, ...timings });
    const pods = api.client.resource<Pod>(podsResource);
    await api.client.resource<Node>(nodesResource).create(nodeObject({ name: "n1" }));
    await pods.create(podObject("first"));
    const f = { pods };
    assert.equal(await nodeOfPod(f, "first"), "n1");
    assert.equal(b.current(), undefined);
    await a.stop();
    await eventually(async () => (b?.current() ? true : undefined), "b leading");
    await pods.create(podObject("second"));
    assert.equal(await nodeOfPod(f, "second"), "n1");
  } finally {
    await a.stop();
    await b?.stop();
    await api.close();
  }
});
