import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { namespaces } from "./namespace.ts";

const now = new Date("2024-05-01T12:00:00Z");
const created = "2024-05-01T10:00:00Z";

describe("namespaces", () => {
  it("labels, finalizes and activates a new namespace", () => {
    const ns: KubeObject = { metadata: { name: "team-a" } };
    namespaces.strategy.defaults?.(ns);
    namespaces.strategy.prepareForCreate?.(ns);
    assert.deepEqual(ns.metadata?.labels, { "kubernetes.io/metadata.name": "team-a" });
    assert.deepEqual(ns.spec, { finalizers: ["kubernetes"] });
    assert.deepEqual(ns.status, { phase: "Active" });
    assert.deepEqual(namespaces.strategy.validate?.(ns), []);
    assert.equal(namespaces.strategy.fieldSelectors?.["status.phase"]?.(ns), "Active");
  });

  it("requires a DNS label name and qualified finalizers", () => {
    const ns: KubeObject = { metadata: { name: "a.b" }, spec: { finalizers: ["custom"] } };
    assert.deepEqual(
      (namespaces.strategy.validate?.(ns) ?? []).map((e) => [e.field, e.detail]),
      [
        [
          "metadata.name",
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ],
        ["spec.finalizers", "name is neither a standard finalizer name nor is it fully qualified"],
      ],
    );
  });

  it("prints status and age", () => {
    const ns: KubeObject = {
      metadata: { name: "default", creationTimestamp: created },
      status: { phase: "Terminating" },
    };
    assert.deepEqual(namespaces.strategy.table?.cells(ns, now), ["default", "Terminating", "120m"]);
  });
});
