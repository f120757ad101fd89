import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { labelSelectorToString, parseLabelSelector } from "./label.ts";

test("equality and set-based requirements match like Kubernetes", () => {
  const labels = { app: "web", tier: "front", n: "5" };
  const cases: [string, boolean][] = [
    ["", true],
    ["app=web", true],
    ["app==web", true],
    ["app!=web", false],
    ["app!=db", true],
    ["missing!=x", true],
    ["app in (web,db)", true],
    ["app notin (web,db)", false],
    ["missing notin (a)", true],
    ["tier", true],
    ["!tier", false],
    ["!missing", true],
    ["app=web,tier in (front)", true],
    ["app=web,tier=back", false],
    ["n>3", true],
    ["n<3", false],
    ["example.com/role=x", false],
  ];
  for (const [sel, want] of cases) assert.equal(parseLabelSelector(sel).matches(labels), want, sel);
});

test("malformed selectors are 400 BadRequest", () => {
  for (const bad of ["app=we b", "a in ()", "=x", "app x", "-bad=1", "n>x"]) {
    assert.throws(
      () => parseLabelSelector(bad),
      (e: unknown) => e instanceof ApiError && e.code === 400,
      bad,
    );
  }
});

test("LabelSelector objects render as query strings", () => {
  assert.equal(
    labelSelectorToString({
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }],
    }),
    "app=web,tier in (a,b)",
  );
  assert.equal(labelSelectorToString(undefined), "");
});
