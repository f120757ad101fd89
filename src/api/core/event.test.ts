import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { events } from "./event.ts";

const now = new Date("2024-05-01T12:00:00Z");
const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

describe("events", () => {
  const ev: KubeObject = {
    metadata: { name: "nginx.17a", namespace: "default" },
    involvedObject: {
      kind: "Pod",
      namespace: "default",
      name: "nginx",
      uid: "u1",
      apiVersion: "v1",
      fieldPath: "spec.containers{nginx}",
    },
    reason: "Pulled",
    message: "Container image pulled ",
    type: "Normal",
    source: { component: "kubelet", host: "node-1" },
    firstTimestamp: "2024-05-01T11:50:00Z",
    lastTimestamp: "2024-05-01T11:59:00Z",
    count: 2,
  };

  it("validates namespace agreement", () => {
    assert.deepEqual(events.strategy.validate?.(ev), []);
    const other = { ...ev, metadata: { name: "e", namespace: "kube-system" } };
    assert.deepEqual(fields(events.strategy.validate?.(other)), [
      ["FieldValueInvalid", "involvedObject.namespace"],
    ]);
    const newStyle = { ...ev, eventTime: "2024-05-01T11:59:00.000000Z" };
    assert.deepEqual(fields(events.strategy.validate?.(newStyle)), [
      ["FieldValueRequired", "reportingComponent"],
      ["FieldValueInvalid", "reportingComponent"],
      ["FieldValueInvalid", "reportingComponent"],
      ["FieldValueRequired", "reportingInstance"],
      ["FieldValueRequired", "action"],
    ]);
  });

  it("prints kubectl's event row and selects by involvedObject", () => {
    assert.deepEqual(events.strategy.table?.cells(ev, now), [
      "60s",
      "Normal",
      "Pulled",
      "pod/nginx",
      "spec.containers{nginx}",
      "kubelet, node-1",
      "Container image pulled",
      "10m",
      2,
      "nginx.17a",
    ]);
    const f = events.strategy.fieldSelectors ?? {};
    assert.equal(f["involvedObject.name"]?.(ev), "nginx");
    assert.equal(f["involvedObject.kind"]?.(ev), "Pod");
    assert.equal(f["involvedObject.uid"]?.(ev), "u1");
    assert.equal(f.source?.(ev), "kubelet");
    assert.equal(f.type?.(ev), "Normal");
    assert.equal(f.reason?.(ev), "Pulled");
  });
});
