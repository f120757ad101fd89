import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  activeDecisions,
  auditFailureKey,
  type BoundDecision,
  denialError,
  recordAudit,
  warningText,
} from "./actions.ts";
import { attributes, binding, policy } from "./testing.ts";

function bound(actions: string[], reason = "Invalid", action: "deny" | "admit" = "deny"): BoundDecision {
  return {
    policy: policy(undefined, "limit"),
    binding: binding({ policyName: "limit", validationActions: actions }, "limit-b"),
    decision: { action, message: "too many", reason, expressionIndex: 0 },
  };
}

describe("validation actions", () => {
  it("sorts failed decisions by the binding's actions", () => {
    const out = activeDecisions([
      bound(["Deny", "Audit"]),
      bound(["Warn"]),
      bound(["Deny"], "Invalid", "admit"),
    ]);
    assert.equal(out.deny.length, 1);
    assert.equal(out.warn.length, 1);
    assert.equal(out.audit.length, 1);
    assert.equal(activeDecisions([{ ...bound(["Warn"]), configuration: true }]).deny.length, 1);
  });

  it("builds Kubernetes' denial with the reason's code", () => {
    const err = denialError(attributes({ name: "web" }), bound(["Deny"], "Forbidden"));
    assert.equal(err.code, 403);
    assert.equal(err.reason, "Forbidden");
    assert.equal(
      err.message,
      `deployments.apps "web" is forbidden: ValidatingAdmissionPolicy 'limit' with binding 'limit-b' denied request: too many`,
    );
    assert.deepEqual(err.details?.causes, [
      { message: "ValidatingAdmissionPolicy 'limit' with binding 'limit-b' denied request: too many" },
    ]);
    assert.equal(denialError(attributes({}), bound(["Deny"])).code, 422);
  });

  it("formats warnings and the validation_failure audit annotation", () => {
    assert.equal(
      warningText(bound(["Warn"])),
      "Validation failed for ValidatingAdmissionPolicy 'limit' with binding 'limit-b': too many",
    );
    const attrs = attributes({});
    recordAudit(attrs, [bound(["Audit"])]);
    assert.deepEqual(JSON.parse(attrs.auditAnnotations?.[auditFailureKey] ?? ""), [
      {
        message: "too many",
        policy: "limit",
        binding: "limit-b",
        expressionIndex: 0,
        validationActions: ["Audit"],
      },
    ]);
  });
});
