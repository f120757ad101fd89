// Compiles a ValidatingAdmissionPolicy's expressions (validations, messageExpressions,
// matchConditions, variables, auditAnnotations) once per policy generation, and reports
// compile failures as field errors at the expression's path (`spec.validations[0].expression`).
import type { ValidatingAdmissionPolicy } from "../../../api/admissionregistration/policies.ts";
import { type FieldError, FieldPath, fieldErrors } from "../../../api/field.ts";
import { CelCompileError, compile, type FunctionDef, type Program } from "../../cel/index.ts";
import { authorizerLibrary } from "./authorizer.ts";

/** The variables every policy expression may use. */
export const policyVariables = [
  "object",
  "oldObject",
  "request",
  "params",
  "namespaceObject",
  "authorizer",
  "variables",
] as const;

const libraries: readonly Record<string, FunctionDef>[] = [authorizerLibrary];

/** A compiled expression or its compile error (kept, so failurePolicy decides at admission time). */
export type Compiled = { source: string; program: Program } | { source: string; error: string };

export interface CompiledPolicy {
  validations: { expression: Compiled; message?: string; messageExpression?: Compiled; reason?: string }[];
  matchConditions: { name: string; expression: Compiled }[];
  variables: { name: string; expression: Compiled }[];
  auditAnnotations: { key: string; valueExpression: Compiled }[];
}

export function compileExpression(source: string): Compiled {
  try {
    return { source, program: compile(source, { variables: policyVariables, libraries }) };
  } catch (err) {
    if (err instanceof CelCompileError) return { source, error: `compilation failed: ${err.message}` };
    throw err;
  }
}

export function compilePolicy(policy: ValidatingAdmissionPolicy): CompiledPolicy {
  const spec = policy.spec;
  return {
    validations: (spec?.validations ?? []).map((v) => ({
      expression: compileExpression(v.expression),
      ...(v.message ? { message: v.message } : {}),
      ...(v.messageExpression ? { messageExpression: compileExpression(v.messageExpression) } : {}),
      ...(v.reason ? { reason: v.reason } : {}),
    })),
    matchConditions: (spec?.matchConditions ?? []).map((c) => ({
      name: c.name,
      expression: compileExpression(c.expression),
    })),
    variables: (spec?.variables ?? []).map((v) => ({
      name: v.name,
      expression: compileExpression(v.expression),
    })),
    auditAnnotations: (spec?.auditAnnotations ?? []).map((a) => ({
      key: a.key,
      valueExpression: compileExpression(a.valueExpression),
    })),
  };
}

/** Field errors for every expression that does not compile (CREATE/UPDATE of a policy). */
export function policyCompileErrors(compiled: CompiledPolicy): FieldError[] {
  const errs: FieldError[] = [];
  const spec = FieldPath.root("spec");
  const add = (c: Compiled | undefined, at: FieldPath) => {
    if (c && "error" in c && c.source.trim() !== "") errs.push(fieldErrors.invalid(at, c.source, c.error));
  };
  compiled.validations.forEach((v, i) => {
    add(v.expression, spec.child("validations").index(i).child("expression"));
    add(v.messageExpression, spec.child("validations").index(i).child("messageExpression"));
  });
  compiled.matchConditions.forEach((c, i) => {
    add(c.expression, spec.child("matchConditions").index(i).child("expression"));
  });
  compiled.variables.forEach((v, i) => {
    add(v.expression, spec.child("variables").index(i).child("expression"));
  });
  compiled.auditAnnotations.forEach((a, i) => {
    add(a.valueExpression, spec.child("auditAnnotations").index(i).child("valueExpression"));
  });
  return errs;
}

/** Compiled policies by uid and generation: a policy compiles once, not per request. */
export class PolicyCache {
  private readonly byUid = new Map<string, { generation: string; compiled: CompiledPolicy }>();

  get(policy: ValidatingAdmissionPolicy): CompiledPolicy {
    const uid = policy.metadata?.uid ?? policy.metadata?.name ?? "";
    const generation = `${policy.metadata?.generation ?? 0}/${policy.metadata?.resourceVersion ?? ""}`;
    const hit = this.byUid.get(uid);
    if (hit && hit.generation === generation) return hit.compiled;
    const compiled = compilePolicy(policy);
    this.byUid.set(uid, { generation, compiled });
    return compiled;
  }

  /** Drops policies no longer present. */
  retain(uids: ReadonlySet<string>): void {
    for (const uid of this.byUid.keys()) if (!uids.has(uid)) this.byUid.delete(uid);
  }
}
