// The event recorder against a real API server: identical events aggregate into one Event with
// count and lastTimestamp; different ones stay separate; a deleted aggregate is re-created;
// similar events are combined and waiting writes merged, without the caller ever waiting; with
// maxInFlight several Events are written at once, but never two writes of one Event.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { events } from "../../src/api/core/index.ts";
import { combinedPrefix } from "../../src/client/event-correlator.ts";
import { EventRecorder } from "../../src/client/events.ts";
import type { Transport, TransportRequest } from "../../src/client/transport.ts";
import { type ClientFixture, startApi } from "./support.ts";

describe("EventRecorder", () => {
  let f: ClientFixture;
  /** Methods of the requests that are not reads, in order. */
  const writes: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  /** While set, writes wait for it before they reach the server. */
  let gate: Promise<void> | undefined;
  before(async () => {
    f = await startApi({
      wrap: (t: Transport): Transport => ({
        request: async (r: TransportRequest) => {
          if (r.method === "GET") return t.request(r);
          writes.push(r.method);
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            if (gate) await gate;
            return await t.request(r);
          } finally {
            inFlight--;
          }
        },
        stream: (r) => t.stream(r),
        close: () => t.close(),
      }),
    });
  });
  after(async () => {
    await f.close();
  });

  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web-1", namespace: "default", uid: "1111-2222" },
  };

  it("aggregates three identical events into one with count 3", async () => {
    let t = Date.parse("2025-01-01T00:00:00Z");
    const recorder = new EventRecorder({
      events: f.client.resource<Event>(events),
      component: "default-scheduler",
      instance: "default-scheduler-host1",
      now: () => {
        t += 5000;
        return new Date(t);
      },
    });
    for (let i = 0; i < 3; i++) recorder.event(pod, "Warning", "FailedScheduling", "0/3 nodes are available");
    recorder.event(pod, "Normal", "Scheduled", "Successfully assigned default/web-1 to n1");
    await recorder.stop();
    recorder.event(pod, "Normal", "Ignored", "after stop");
    const list = await f.client.resource<Event>(events).list({
      namespace: "default",
      fieldSelector: "involvedObject.name=web-1",
    });
    assert.equal(list.items.length, 2);
    const failed = list.items.find((e) => e.reason === "FailedScheduling");
    assert.ok(failed, "the aggregated event exists");
    assert.equal(failed.count, 3);
    assert.equal(failed.firstTimestamp, "2025-01-01T00:00:05Z");
    assert.equal(failed.lastTimestamp, "2025-01-01T00:00:15Z");
    assert.equal(failed.type, "Warning");
    assert.deepEqual(failed.source, { component: "default-scheduler" });
    assert.equal(failed.reportingComponent, "default-scheduler");
    assert.equal(failed.reportingInstance, "default-scheduler-host1");
    assert.deepEqual(failed.involvedObject, {
      apiVersion: "v1",
      kind: "Pod",
      namespace: "default",
      name: "web-1",
      uid: "1111-2222",
    });
    const scheduled = list.items.find((e) => e.reason === "Scheduled");
    assert.equal(scheduled?.count, 1);
  });

  it("starts a new Event when the aggregated one was deleted", async () => {
    const client = f.client.resource<Event>(events);
    const errors: unknown[] = [];
    const recorder = new EventRecorder({
      events: client,
      component: "kubelet",
      host: "n1",
      onError: (e) => errors.push(e),
    });
    const other: Pod = { ...pod, metadata: { name: "web-2", namespace: "default", uid: "3333" } };
    recorder.event(other, "Normal", "Pulled", "image present");
    await recorder.flush();
    const first = await client.list({ namespace: "default", fieldSelector: "involvedObject.name=web-2" });
    assert.equal(first.items.length, 1);
    await client.delete(first.items[0]?.metadata?.name ?? "", { namespace: "default" });
    recorder.event(other, "Normal", "Pulled", "image present");
    await recorder.stop();
    const second = await client.list({ namespace: "default", fieldSelector: "involvedObject.name=web-2" });
    assert.equal(second.items.length, 1);
    // Like client-go: written again with the count observed so far.
    assert.equal(second.items[0]?.count, 2);
    assert.deepEqual(second.items[0]?.source, { component: "kubelet", host: "n1" });
    assert.deepEqual(errors, []);
  });

  it("drops events beyond maxQueued instead of queueing without bound", async () => {
    const client = f.client.resource<Event>(events);
    const recorder = new EventRecorder({ events: client, component: "default-scheduler", maxQueued: 2 });
    for (let i = 0; i < 5; i++) {
      const p: Pod = { ...pod, metadata: { name: `burst-${i}`, namespace: "default", uid: `u-${i}` } };
      recorder.event(p, "Normal", "Scheduled", `assigned burst-${i}`);
    }
    assert.equal(recorder.queued, 2);
    assert.equal(recorder.dropped, 3);
    await recorder.stop();
    const list = await client.list({ namespace: "default" });
    const names = list.items.map((e) => e.involvedObject.name).filter((n) => n?.startsWith("burst-"));
    assert.deepEqual(names.sort(), ["burst-0", "burst-1"]);
  });

  it("combines a burst of similar events into one Event with few writes, without blocking", async () => {
    writes.length = 0;
    const recorder = new EventRecorder({ events: f.client.resource<Event>(events), component: "test" });
    const rs = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { namespace: "default", name: "b", uid: "ub" },
    };
    for (let i = 0; i < 30; i++) recorder.event(rs, "Normal", "SuccessfulCreate", `Created pod: b-${i}`);
    // The caller did not wait: only the first write has started.
    assert.deepEqual(writes, ["POST"]);
    await recorder.stop();
    const list = await f.client.resource<Event>(events).list({
      namespace: "default",
      fieldSelector: "involvedObject.name=b",
    });
    const combined = list.items.filter((e) => e.message?.startsWith(combinedPrefix));
    assert.equal(list.items.length, 10);
    assert.equal(combined.length, 1);
    // Events 10–25 merged into the combined Event's waiting create; 26–30 met the spam filter.
    assert.equal(combined[0]?.count, 16);
    assert.equal(combined[0]?.message, `${combinedPrefix}Created pod: b-24`);
    assert.equal(writes.length, 10);
    // Later ones are count patches of the combined Event.
    writes.length = 0;
    const later = new EventRecorder({
      events: f.client.resource<Event>(events),
      component: "test",
      correlation: { spamBurst: 100 },
    });
    for (let i = 0; i < 11; i++) later.event(rs, "Normal", "Killing", `Stopping b-${i}`);
    await later.flush();
    later.event(rs, "Normal", "Killing", "Stopping b-11");
    await later.stop();
    assert.deepEqual(writes.slice(-1), ["PATCH"]);
  });

  const scheduledPod = (i: number): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `p-${i}`, namespace: "default", uid: `uid-${i}` },
  });

  it("with maxInFlight writes every event of a burst, several at once; repeats still aggregate", async () => {
    maxInFlight = 0;
    const recorder = new EventRecorder({
      events: f.client.resource<Event>(events),
      component: "default-scheduler",
      maxInFlight: 8,
    });
    for (let i = 0; i < 200; i++) recorder.event(scheduledPod(i), "Normal", "Scheduled", `assigned p-${i}`);
    recorder.event(scheduledPod(7), "Normal", "Scheduled", "assigned p-7");
    await recorder.stop();
    const list = await f.client.resource<Event>(events).listAll({ namespace: "default" });
    const scheduled = list.items.filter(
      (e) => e.reason === "Scheduled" && e.involvedObject.name?.startsWith("p-"),
    );
    assert.equal(scheduled.length, 200);
    assert.equal(scheduled.find((e) => e.involvedObject?.name === "p-7")?.count, 2);
    assert.equal(recorder.dropped, 0);
    assert.ok(maxInFlight > 1 && maxInFlight <= 8, `writes in flight at most: ${maxInFlight}`);
  });

  it("with maxInFlight a repeat waits for its Event's create instead of racing it", async () => {
    const errors: unknown[] = [];
    let release = (): void => {};
    gate = new Promise<void>((r) => {
      release = r;
    });
    const recorder = new EventRecorder({
      events: f.client.resource<Event>(events),
      component: "default-scheduler",
      maxInFlight: 4,
      onError: (e) => errors.push(e),
    });
    const a = scheduledPod(1000);
    writes.length = 0;
    recorder.event(a, "Warning", "FailedScheduling", "0/3 nodes are available");
    await Promise.resolve();
    // The create is in flight (held at the gate); the repeat must not be sent beside it.
    recorder.event(a, "Warning", "FailedScheduling", "0/3 nodes are available");
    recorder.event(scheduledPod(1001), "Normal", "Scheduled", "assigned p-1001");
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(writes, ["POST", "POST"], "the other pod's event went out, the repeat waited");
    gate = undefined;
    release();
    await recorder.stop();
    assert.deepEqual(writes, ["POST", "POST", "PATCH"]);
    const list = await f.client.resource<Event>(events).list({
      namespace: "default",
      fieldSelector: "involvedObject.name=p-1000",
    });
    assert.equal(list.items.length, 1);
    assert.equal(list.items[0]?.count, 2);
    assert.deepEqual(errors, []);
  });
});
