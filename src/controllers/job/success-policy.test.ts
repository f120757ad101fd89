import assert from "node:assert/strict";
import { test } from "node:test";
import type { Job } from "kubernetes-types/batch/v1.js";
import { matchSuccessPolicy } from "./success-policy.ts";

const job = (rules: NonNullable<NonNullable<Job["spec"]>["successPolicy"]>["rules"]): Job => ({
  spec: { completionMode: "Indexed", completions: 6, template: {}, successPolicy: { rules } },
});

test("a rule matches on all its listed indexes, a count of them, or a count of any", () => {
  const done = new Set([0, 2, 3]);
  assert.equal(matchSuccessPolicy(job([{ succeededIndexes: "0-1" }]), done), undefined);
  assert.equal(matchSuccessPolicy(job([{ succeededIndexes: "2-3" }]), done), "Matched rules at index 0");
  assert.equal(
    matchSuccessPolicy(job([{ succeededCount: 4 }, { succeededIndexes: "0-1", succeededCount: 1 }]), done),
    "Matched rules at index 1",
  );
  assert.equal(matchSuccessPolicy(job([{ succeededCount: 3 }]), done), "Matched rules at index 0");
  assert.equal(matchSuccessPolicy(job([{ succeededCount: 0 }]), new Set()), undefined);
});
