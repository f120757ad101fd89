import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath } from "../field.ts";
import { validateAffinity, validateTopologySpreadConstraints } from "./affinity-validation.ts";

const at = FieldPath.root("spec").child("affinity");

describe("affinity validation", () => {
  it("accepts typical affinities", () => {
    const errs = validateAffinity(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "kubernetes.io/os", operator: "In", values: ["linux"] }] },
            ],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: "disk", operator: "Gt", values: ["5"] }] },
            },
          ],
        },
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { labelSelector: { matchLabels: { app: "web" } }, topologyKey: "kubernetes.io/hostname" },
          ],
        },
      },
      at,
    );
    assert.deepEqual(errs, []);
  });

  it("reports bad terms, operators, weights and topology keys", () => {
    const errs = validateAffinity(
      {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] },
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 0, preference: { matchExpressions: [{ key: "a", operator: "Near" }] } },
          ],
        },
        podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: "" }] },
      },
      at,
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        [
          "FieldValueRequired",
          "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
        ],
        [
          "FieldValueInvalid",
          "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
        ],
        [
          "FieldValueInvalid",
          "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].operator",
        ],
        [
          "FieldValueRequired",
          "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
        ],
      ],
    );
  });
});

describe("topology spread constraints", () => {
  it("checks skew, keys, actions and duplicates", () => {
    const p = FieldPath.root("spec").child("topologySpreadConstraints");
    const ok = { maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" };
    assert.deepEqual(validateTopologySpreadConstraints([ok], p), []);
    const errs = validateTopologySpreadConstraints(
      [ok, ok, { maxSkew: 0, topologyKey: "", whenUnsatisfiable: "Maybe", minDomains: 2 }],
      p,
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ["FieldValueDuplicate", "spec.topologySpreadConstraints[1]"],
        ["FieldValueInvalid", "spec.topologySpreadConstraints[2].maxSkew"],
        ["FieldValueRequired", "spec.topologySpreadConstraints[2].topologyKey"],
        ["FieldValueNotSupported", "spec.topologySpreadConstraints[2].whenUnsatisfiable"],
        ["FieldValueInvalid", "spec.topologySpreadConstraints[2].minDomains"],
      ],
    );
  });
});
