import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job } from "kubernetes-types/batch/v1.js";
import type { Pod } from "kubernetes-types/core/v1.js";
import { completionIndexAnnotation } from "./indexes.ts";
import {
  failedByIndexes,
  indexFailureAnnotations,
  indexFailureCountAnnotation,
  isIndexFailed,
} from "./per-index.ts";

const job: Job = {
  spec: {
    completionMode: "Indexed",
    completions: 4,
    backoffLimitPerIndex: 1,
    maxFailedIndexes: 1,
    template: {},
  },
};
const failedPod = (index: number, failures: number): Pod => ({
  metadata: {
    annotations: {
      [completionIndexAnnotation]: String(index),
      [indexFailureCountAnnotation]: String(failures),
    },
  },
  status: { phase: "Failed" },
});

test("an index fails once a counted failure finds its budget used", () => {
  assert.equal(isIndexFailed(job, failedPod(0, 0)), false);
  assert.equal(isIndexFailed(job, failedPod(0, 1)), true);
  assert.deepEqual(indexFailureAnnotations(job, [failedPod(0, 0), failedPod(1, 0)], 0), {
    [indexFailureCountAnnotation]: "1",
  });
  assert.deepEqual(indexFailureAnnotations(job, [], 3), { [indexFailureCountAnnotation]: "0" });
});

test("the job fails past maxFailedIndexes, or when every index finished with some failed", () => {
  assert.equal(failedByIndexes(job, 2, 0)?.reason, "MaxFailedIndexesExceeded");
  assert.equal(failedByIndexes(job, 1, 2), undefined);
  assert.equal(failedByIndexes(job, 1, 3)?.reason, "FailedIndexes");
  assert.equal(failedByIndexes({ spec: { template: {} } }, 3, 0), undefined);
});
