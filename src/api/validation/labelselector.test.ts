import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { FieldPath } from "../field.ts";
import {
  formatLabelSelector,
  formatMapSelector,
  isEmptyLabelSelector,
  labelSelectorMatches,
  validateLabelSelector,
} from "./labelselector.ts";

describe("label selectors", () => {
  const at = FieldPath.root("spec").child("selector");
  it("validates requirements", () => {
    assert.deepEqual(validateLabelSelector({ matchLabels: { app: "web" } }, at), []);
    const errs = validateLabelSelector(
      {
        matchExpressions: [
          { key: "tier", operator: "In" },
          { key: "x", operator: "Exists", values: ["a"] },
          { key: "y", operator: "Has" },
        ],
      },
      at,
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ["FieldValueRequired", "spec.selector.matchExpressions[0].values"],
        ["FieldValueForbidden", "spec.selector.matchExpressions[1].values"],
        ["FieldValueInvalid", "spec.selector.matchExpressions[2].operator"],
      ],
    );
  });

  it("recognises empty selectors and formats map selectors", () => {
    assert.ok(isEmptyLabelSelector({}));
    assert.ok(!isEmptyLabelSelector({ matchLabels: { a: "b" } }));
    assert.equal(formatMapSelector({ tier: "fe", app: "web" }), "app=web,tier=fe");
    assert.equal(
      formatLabelSelector({
        matchExpressions: [
          { key: "x", operator: "DoesNotExist" },
          { key: "a", operator: "Exists" },
        ],
      }),
      "a,!x",
    );
  });

  it("matches and formats", () => {
    const sel = {
      matchLabels: { app: "web" },
      matchExpressions: [{ key: "tier", operator: "In", values: ["fe", "be"] }],
    };
    assert.ok(labelSelectorMatches(sel, { app: "web", tier: "fe" }));
    assert.ok(!labelSelectorMatches(sel, { app: "web" }));
    assert.ok(labelSelectorMatches({}, {}));
    assert.equal(formatLabelSelector(sel), "app=web,tier in (be,fe)");
  });
});
