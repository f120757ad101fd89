import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { configMaps } from "./configmap.ts";
import { endpoints, formatEndpoints } from "./endpoints.ts";
import { events } from "./event.ts";
import { secrets } from "./secret.ts";
import { serviceAccounts } from "./serviceaccount.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "x", namespace: "default", creationTimestamp: "2024-05-01T11:59:00Z" };
const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

describe("configmaps", () => {
  it("validates keys and size, prints DATA", () => {
    const cm: KubeObject = {
      metadata: meta,
      data: { "app.properties": "a=1", "bad/key": "x" },
      binaryData: { bin: "AAE=" },
    };
    assert.deepEqual(fields(configMaps.strategy.validate?.(cm)), [["FieldValueInvalid", "data[bad/key]"]]);
    assert.deepEqual(configMaps.strategy.table?.cells(cm, now), ["x", 3, "60s"]);
    const big: KubeObject = { metadata: meta, data: { a: "x".repeat(1024 * 1024 + 1) } };
    assert.deepEqual(fields(configMaps.strategy.validate?.(big)), [["FieldValueTooLong", ""]]);
    const dup: KubeObject = { metadata: meta, data: { k: "1" }, binaryData: { k: "AA==" } };
    assert.deepEqual(fields(configMaps.strategy.validate?.(dup)), [["FieldValueInvalid", "data[k]"]]);
  });

  it("enforces immutable", () => {
    const old: KubeObject = { metadata: meta, data: { a: "1" }, immutable: true };
    assert.deepEqual(fields(configMaps.strategy.validateUpdate?.({ ...old, data: { a: "2" } }, old)), [
      ["FieldValueForbidden", "data"],
    ]);
    assert.deepEqual(fields(configMaps.strategy.validateUpdate?.({ ...old, immutable: false }, old)), [
      ["FieldValueForbidden", "immutable"],
    ]);
    assert.deepEqual(
      fields(
        configMaps.strategy.validateUpdate?.({ ...old, metadata: { ...meta, labels: { a: "b" } } }, old),
      ),
      [],
    );
  });
});

describe("secrets", () => {
  it("defaults Opaque and folds stringData into data", () => {
    const s: KubeObject = { metadata: meta, stringData: { password: "hunter2" } };
    secrets.strategy.defaults?.(s);
    assert.equal(s.type, "Opaque");
    assert.deepEqual(s.data, { password: "aHVudGVyMg==" });
    assert.equal(s.stringData, undefined);
    assert.deepEqual(secrets.strategy.validate?.(s), []);
    assert.deepEqual(secrets.strategy.table?.cells(s, now), ["x", "Opaque", 1, "60s"]);
    assert.equal(secrets.strategy.fieldSelectors?.type?.(s), "Opaque");
  });

  it("requires the keys of typed secrets and keeps the type immutable", () => {
    const tls: KubeObject = { metadata: meta, type: "kubernetes.io/tls", data: { "tls.crt": "AA==" } };
    assert.deepEqual(fields(secrets.strategy.validate?.(tls)), [["FieldValueRequired", "data[tls.key]"]]);
    const old: KubeObject = { metadata: meta, type: "Opaque" };
    assert.deepEqual(fields(secrets.strategy.validateUpdate?.({ ...old, type: "kubernetes.io/tls" }, old)), [
      ["FieldValueInvalid", "type"],
    ]);
  });
});

describe("serviceaccounts", () => {
  it("prints SECRETS and has the token subresource", () => {
    const sa: KubeObject = { metadata: meta, secrets: [{ name: "t" }] };
    assert.deepEqual(serviceAccounts.strategy.table?.cells(sa, now), ["x", 1, "60s"]);
    assert.deepEqual(serviceAccounts.subresources?.[0]?.kind?.kind, "TokenRequest");
  });
});

describe("endpoints", () => {
  it("formats up to three endpoints", () => {
    const ep = {
      subsets: [
        {
          addresses: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }, { ip: "10.0.0.3" }, { ip: "10.0.0.4" }],
          ports: [{ port: 80, protocol: "TCP" }],
        },
      ],
    };
    assert.equal(formatEndpoints(ep), "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...");
    assert.equal(formatEndpoints({}), "<none>");
    assert.deepEqual(fields(endpoints.strategy.validate?.({ metadata: meta, ...ep })), []);
    const bad: KubeObject = {
      metadata: meta,
      subsets: [{ addresses: [{ ip: "nope" }], ports: [{ port: 0, protocol: "TCP" }] }],
    };
    assert.deepEqual(fields(endpoints.strategy.validate?.(bad)), [
      ["FieldValueInvalid", "subsets[0].addresses[0].ip"],
      ["FieldValueInvalid", "subsets[0].ports[0].port"],
    ]);
  });
});

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
