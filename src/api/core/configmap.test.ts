import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { configMaps } from "./configmap.ts";

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
