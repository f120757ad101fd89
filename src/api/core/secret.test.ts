import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { secrets } from "./secret.ts";

const now = new Date("2024-05-01T12:00:00Z");
const meta = { name: "x", namespace: "default", creationTimestamp: "2024-05-01T11:59:00Z" };
const fields = (errs: { type: string; field: string }[] | undefined) =>
  (errs ?? []).map((e) => [e.type, e.field]);

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
