import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath } from "../field.ts";
import { validateContainer, validateEnv, validateEnvFrom } from "./container-validation.ts";

const at = FieldPath.root("c");
const summary = (errs: { type: string; field: string; detail?: string }[]) =>
  errs.map((e) => [e.type, e.field]);

describe("container validation", () => {
  it("checks env sources", () => {
    const errs = validateEnv(
      [
        { name: "A", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
        { name: "B", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.bogus" } } },
        { name: "C", valueFrom: {} },
        { name: "D", value: "x", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
        {
          name: "E",
          valueFrom: { configMapKeyRef: { name: "c", key: "k" }, secretKeyRef: { name: "s", key: "k" } },
        },
        { name: "F", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.labels['app']" } } },
      ],
      at,
    );
    assert.deepEqual(summary(errs), [
      ["FieldValueNotSupported", "c[1].valueFrom.fieldRef.fieldPath"],
      ["FieldValueInvalid", "c[2].valueFrom"],
      ["FieldValueInvalid", "c[3].valueFrom"],
      ["FieldValueInvalid", "c[4].valueFrom"],
    ]);
    assert.deepEqual(summary(validateEnvFrom([{ configMapRef: { name: "c" } }, {}], at)), [
      ["FieldValueInvalid", "c[1]"],
    ]);
  });

  it("checks mounts against pod volumes and probes", () => {
    const errs = validateContainer(
      {
        name: "web",
        image: "nginx",
        imagePullPolicy: "Sometimes",
        terminationMessagePolicy: "File",
        volumeMounts: [
          { name: "data", mountPath: "/d" },
          { name: "data", mountPath: "/d", subPath: "../x" },
        ],
        livenessProbe: {},
      },
      at,
      { volumes: new Set(["data"]), names: new Set() },
    );
    assert.deepEqual(summary(errs), [
      ["FieldValueNotSupported", "c.imagePullPolicy"],
      ["FieldValueInvalid", "c.volumeMounts[1].mountPath"],
      ["FieldValueInvalid", "c.volumeMounts[1].subPath"],
      ["FieldValueRequired", "c.livenessProbe"],
    ]);
  });
});
