import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ResourceDef } from "../../api/resource.ts";
import { fieldManagerErrors, groupVersion, ignoredFieldsFor } from "./managedfields.ts";

const def = (group: string, hasStatus: boolean) =>
  ({
    group,
    version: "v1",
    kind: "X",
    resource: "xs",
    namespaced: true,
    hasStatus,
  }) as unknown as ResourceDef;

describe("managedfields helpers", () => {
  it("names the group version as entries record it", () => {
    assert.equal(groupVersion(def("", false)), "v1");
    assert.equal(groupVersion(def("apps", false)), "apps/v1");
  });

  it("ignores status only on the main resource of kinds with a status subresource", () => {
    assert.deepEqual(ignoredFieldsFor(def("apps", true), ""), [["f:status"]]);
    assert.deepEqual(ignoredFieldsFor(def("apps", true), "status"), []);
    assert.deepEqual(ignoredFieldsFor(def("", false), ""), []);
  });

  it("validates fieldManager like Kubernetes (length, printable)", () => {
    assert.deepEqual(fieldManagerErrors("kubectl-edit"), []);
    assert.equal(fieldManagerErrors("m".repeat(129))[0]?.type, "FieldValueTooLong");
    assert.equal(fieldManagerErrors("a\u0007b")[0]?.type, "FieldValueInvalid");
  });
});
