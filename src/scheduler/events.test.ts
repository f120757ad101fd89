// ShardedEventRecorder against a real API server: a burst of Scheduled events, one per pod, is
// written in full (more than one write in flight), and repeats about one pod still aggregate.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { type ClientFixture, startApi } from "../../test/client/support.ts";
import type { Transport, TransportRequest } from "../client/transport.ts";
import { eventsResource } from "./coords.ts";
import { ShardedEventRecorder } from "./events.ts";

describe("ShardedEventRecorder", () => {
  let f: ClientFixture;
  let inFlight = 0;
  let maxInFlight = 0;
  before(async () => {
    f = await startApi({
      wrap: (t: Transport): Transport => ({
        request: async (r: TransportRequest) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
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

  const pod = (i: number): Pod => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `p-${i}`, namespace: "default", uid: `uid-${i}` },
  });

  it("writes every pod's Scheduled event of a burst, several at once; repeats aggregate per pod", async () => {
    const recorder = new ShardedEventRecorder({
      events: f.client.resource<Event>(eventsResource),
      component: "default-scheduler",
      shards: 8,
    });
    for (let i = 0; i < 200; i++) recorder.event(pod(i), "Normal", "Scheduled", `assigned p-${i}`);
    recorder.event(pod(7), "Normal", "Scheduled", "assigned p-7");
    await recorder.stop();
    const list = await f.client.resource<Event>(eventsResource).listAll({ namespace: "default" });
    const scheduled = list.items.filter((e) => e.reason === "Scheduled");
    assert.equal(scheduled.length, 200);
    assert.equal(scheduled.find((e) => e.involvedObject?.name === "p-7")?.count, 2);
    assert.equal(recorder.dropped, 0);
    assert.ok(maxInFlight > 1, `writes in flight at most: ${maxInFlight}`);
  });
});
