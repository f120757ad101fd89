import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FieldError } from "../field.ts";
import { type Event, eventFromCore, eventsV1, eventToCore } from "./event.ts";

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const core = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { name: "web.1", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" },
  involvedObject: {
    kind: "Pod",
    namespace: "default",
    name: "web",
    uid: "u1",
    apiVersion: "v1",
    fieldPath: "spec.containers{web}",
  },
  reason: "Pulled",
  message: "Successfully pulled image",
  source: { component: "kubelet", host: "node-1" },
  firstTimestamp: "2024-01-01T00:00:00Z",
  lastTimestamp: "2024-01-01T00:00:30Z",
  count: 2,
  type: "Normal",
  reportingComponent: "kubelet",
  reportingInstance: "node-1",
};

describe("events.k8s.io/v1 events", () => {
  it("converts core/v1 to events.k8s.io/v1 and back without loss", () => {
    const v1 = eventFromCore(core) as Event;
    assert.equal(v1.apiVersion, "events.k8s.io/v1");
    assert.equal(v1.note, "Successfully pulled image");
    assert.equal(v1.regarding?.name, "web");
    assert.equal(v1.deprecatedCount, 2);
    assert.equal(v1.reportingController, "kubelet");
    assert.deepEqual(eventToCore(v1), core);
  });
  it("shares storage with core events", () => {
    assert.equal(eventsV1.storagePrefix, "events");
    assert.deepEqual(eventsV1.shortNames, ["ev"]);
  });
  it("validates v1 creates: eventTime, reporting fields, action, reason, no deprecated fields", () => {
    const good: Event = {
      metadata: { name: "e", namespace: "default" },
      eventTime: "2024-01-01T00:00:00.000000Z",
      reportingController: "skiff.io/scheduler",
      reportingInstance: "skiff-1",
      action: "Binding",
      reason: "Scheduled",
      type: "Normal",
      note: "ok",
    };
    assert.deepEqual(eventsV1.strategy.validate?.(good), []);
    const bad = {
      metadata: { name: "e", namespace: "default" },
      type: "Loud",
      deprecatedCount: 3,
    } as unknown as Event;
    assert.deepEqual(brief(eventsV1.strategy.validate?.(bad) ?? []), [
      "FieldValueRequired eventTime",
      "FieldValueInvalid type",
      "FieldValueInvalid deprecatedCount",
      "FieldValueRequired reportingController",
      "FieldValueRequired reportingInstance",
      "FieldValueRequired action",
      "FieldValueRequired reason",
    ]);
  });
  it("prints like kubectl get events", () => {
    const cells = eventsV1.strategy.table?.cells(
      eventFromCore(core) as Event,
      new Date("2024-01-01T00:01:00Z"),
    );
    assert.deepEqual(cells, [
      "30s",
      "Normal",
      "Pulled",
      "pod/web",
      "spec.containers{web}",
      "kubelet, node-1",
      "Successfully pulled image",
      "60s",
      2,
      "web.1",
    ]);
  });
});
