import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JobSpec } from "kubernetes-types/batch/v1.js";
import { FieldPath } from "../field.ts";
import {
  indexesFormat,
  validatePerIndexBackoff,
  validatePodFailurePolicy,
  validateSuccessPolicy,
} from "./job-policies.ts";

const at = FieldPath.root("spec");
const indexed = (extra: Partial<JobSpec>): JobSpec => ({
  completionMode: "Indexed",
  completions: 5,
  template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } },
  ...extra,
});
const text = (errs: { field: string; type: string; detail?: string }[]) =>
  errs.map((e) => `${e.type} ${e.field}: ${e.detail ?? ""}`);

describe("Job policies", () => {
  it("parses index intervals as Kubernetes does", () => {
    assert.deepEqual(indexesFormat("0,2-4", 5), { total: 4 });
    assert.deepEqual(indexesFormat("", 5), { total: 0 });
    assert.deepEqual(indexesFormat("1-5", 5), { error: 'too large index: "5"' });
    assert.deepEqual(indexesFormat("3,1", 5), { error: "non-increasing order, previous: 3, current: 1" });
    assert.deepEqual(indexesFormat("a", 5), { error: 'cannot convert string to integer for index: "a"' });
  });

  it("per-index backoff needs Indexed mode, and maxFailedIndexes needs backoffLimitPerIndex", () => {
    assert.deepEqual(
      text(validatePerIndexBackoff({ template: {}, backoffLimitPerIndex: 1, maxFailedIndexes: 1 }, at)),
      [
        "FieldValueInvalid spec.backoffLimitPerIndex: requires indexed completion mode",
        "FieldValueInvalid spec.maxFailedIndexes: requires indexed completion mode",
      ],
    );
    assert.deepEqual(text(validatePerIndexBackoff(indexed({ maxFailedIndexes: 6 }), at)), [
      "FieldValueRequired spec.backoffLimitPerIndex: when maxFailedIndexes is specified",
      "FieldValueInvalid spec.maxFailedIndexes: must be less than or equal to completions",
    ]);
    assert.deepEqual(
      validatePerIndexBackoff(indexed({ backoffLimitPerIndex: 1, maxFailedIndexes: 2 }), at),
      [],
    );
  });

  it("successPolicy rules are checked against completions and their indexes", () => {
    const errs = validateSuccessPolicy(
      indexed({
        successPolicy: {
          rules: [
            {},
            { succeededIndexes: "0-1", succeededCount: 3 },
            { succeededIndexes: "7" },
            { succeededCount: 9 },
          ],
        },
      }),
      at.child("successPolicy"),
    );
    assert.deepEqual(text(errs), [
      "FieldValueRequired spec.successPolicy.rules[0]: at least one of succeededCount or succeededIndexes must be specified",
      "FieldValueInvalid spec.successPolicy.rules[1].succeededCount: must be less than or equal to 2 (the number of indexes in the specified succeededIndexes field)",
      'FieldValueInvalid spec.successPolicy.rules[2].succeededIndexes: error parsing succeededIndexes: too large index: "7"',
      "FieldValueInvalid spec.successPolicy.rules[3].succeededCount: must be less than or equal to 5 (the number of specified completions)",
    ]);
    assert.deepEqual(
      text(validateSuccessPolicy({ template: {}, successPolicy: { rules: [] } }, at.child("successPolicy"))),
      ["FieldValueInvalid spec.successPolicy: requires indexed completion mode"],
    );
  });

  it("podFailurePolicy: FailIndex needs backoffLimitPerIndex; exit codes are checked", () => {
    const spec = indexed({
      podFailurePolicy: {
        rules: [
          { action: "FailIndex", onExitCodes: { operator: "In", values: [0, 2, 1] } },
          { action: "Retry", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] },
          { action: "Ignore", onExitCodes: { containerName: "other", operator: "NotIn", values: [1] } },
        ],
      },
    });
    assert.deepEqual(text(validatePodFailurePolicy(spec, at.child("podFailurePolicy"))), [
      "FieldValueInvalid spec.podFailurePolicy.rules[0].action: requires the backoffLimitPerIndex to be set",
      "FieldValueInvalid spec.podFailurePolicy.rules[0].onExitCodes.values[0]: must not be 0 for the In operator",
      "FieldValueInvalid spec.podFailurePolicy.rules[0].onExitCodes.values: must be ordered",
      'FieldValueNotSupported spec.podFailurePolicy.rules[1].action: supported values: "Count", "FailIndex", "FailJob", "Ignore"',
      "FieldValueInvalid spec.podFailurePolicy.rules[2].onExitCodes.containerName: must be one of the container or initContainer names in the pod template",
    ]);
  });
});
