// Evaluates one policy for one binding and one param object: matchConditions, then each
// validation (message, messageExpression, reason), then auditAnnotations, with the CEL
// variables Kubernetes provides (object, oldObject, request, params, namespaceObject,
// authorizer, variables) and a runtime cost budget shared by all of the policy's expressions.
import { CelEvalError, CelMap, type CelValue, defaultCostLimit, fromJson } from "../../cel/index.ts";
import type { Compiled, CompiledPolicy } from "./compiler.ts";

/** Kubernetes' RuntimeCELCostBudget: all expressions of one evaluation together. */
export const policyCostBudget = 10_000_000;

export interface PolicyDecision {
  /** deny: the validation failed (or errored under failurePolicy Fail). */
  action: "deny" | "admit";
  message: string;
  /** Status reason of a denial (Invalid unless the validation names another). */
  reason: string;
  expressionIndex: number;
}

export interface PolicyEvaluation {
  /** False when a matchCondition excluded the request. */
  matched: boolean;
  decisions: PolicyDecision[];
  auditAnnotations: { key: string; value: string }[];
}

export interface EvaluationInput {
  compiled: CompiledPolicy;
  /** The values of object, oldObject, request, params, namespaceObject, authorizer. */
  bindings: Record<string, CelValue>;
  failurePolicy: string;
}

class Budget {
  private remaining = policyCostBudget;

  run(c: Compiled, vars: (name: string) => CelValue | undefined): CelValue {
    if ("error" in c) throw new CelEvalError(c.error);
    const { value, cost } = c.program.evaluateWithCost(vars, {
      costLimit: Math.min(defaultCostLimit, this.remaining),
    });
    this.remaining -= cost;
    return value;
  }
}

function errorDecision(failurePolicy: string, message: string, index: number): PolicyDecision {
  return {
    action: failurePolicy === "Ignore" ? "admit" : "deny",
    message,
    reason: "Invalid",
    expressionIndex: index,
  };
}

export function evaluatePolicy(input: EvaluationInput): PolicyEvaluation {
  const { compiled, failurePolicy } = input;
  const budget = new Budget();
  const variables = new CelMap();
  const resolve = (name: string): CelValue | undefined =>
    name === "variables" ? variables : Object.hasOwn(input.bindings, name) ? input.bindings[name] : undefined;
  for (const v of compiled.variables) variables.setLazy(v.name, () => budget.run(v.expression, resolve));

  for (const [i, c] of compiled.matchConditions.entries()) {
    try {
      const v = budget.run(c.expression, resolve);
      if (v === false) return { matched: false, decisions: [], auditAnnotations: [] };
      if (v !== true) throw new CelEvalError("matchCondition must evaluate to bool");
    } catch (err) {
      if (!(err instanceof CelEvalError)) throw err;
      const message = `failed to evaluate match condition '${c.name}': ${err.message}`;
      return { matched: true, decisions: [errorDecision(failurePolicy, message, i)], auditAnnotations: [] };
    }
  }

  const decisions: PolicyDecision[] = [];
  compiled.validations.forEach((v, i) => {
    let result: CelValue;
    try {
      result = budget.run(v.expression, resolve);
      if (typeof result !== "boolean") throw new CelEvalError("validation expression must evaluate to bool");
    } catch (err) {
      if (!(err instanceof CelEvalError)) throw err;
      decisions.push(
        errorDecision(
          failurePolicy,
          `expression '${v.expression.source}' resulted in error: ${err.message}`,
          i,
        ),
      );
      return;
    }
    if (result) {
      decisions.push({ action: "admit", message: "", reason: "", expressionIndex: i });
      return;
    }
    decisions.push({
      action: "deny",
      message: failureMessage(v, budget, resolve),
      reason: v.reason ?? "Invalid",
      expressionIndex: i,
    });
  });

  const auditAnnotations: { key: string; value: string }[] = [];
  for (const a of compiled.auditAnnotations) {
    try {
      const value = budget.run(a.valueExpression, resolve);
      if (typeof value === "string") auditAnnotations.push({ key: a.key, value });
      else if (value !== null) throw new CelEvalError("valueExpression must evaluate to a string or null");
    } catch (err) {
      if (!(err instanceof CelEvalError)) throw err;
      decisions.push(
        errorDecision(
          failurePolicy,
          `expression '${a.valueExpression.source}' resulted in error: ${err.message}`,
          compiled.validations.length,
        ),
      );
    }
  }
  return { matched: true, decisions, auditAnnotations };
}

/** messageExpression wins when it yields a non-empty single line; then message; then the expression. */
function failureMessage(
  v: CompiledPolicy["validations"][number],
  budget: Budget,
  resolve: (name: string) => CelValue | undefined,
): string {
  if (v.messageExpression) {
    try {
      const m = budget.run(v.messageExpression, resolve);
      if (typeof m === "string" && m.trim() !== "" && !/[\r\n]/.test(m) && m.length <= 5120) return m.trim();
    } catch (err) {
      if (!(err instanceof CelEvalError)) throw err;
    }
  }
  if (v.message) return v.message;
  return `failed expression: ${v.expression.source}`;
}

/** JSON objects as CEL values (absent objects are null). */
export function celObject(value: unknown): CelValue {
  return value === undefined ? null : fromJson(value);
}
