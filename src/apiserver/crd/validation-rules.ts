// CRD `x-kubernetes-validations`: the rules of a structural schema, compiled once per schema
// (`self`, and `oldSelf` for transition rules), evaluated at every schema node the object has,
// with the old object correlated by property, map key and list-map key. Failures are field
// errors at the node's path (or the rule's fieldPath) with the rule's message, messageExpression
// or `failed rule: RULE`, and its reason; all rules of one object share one cost budget.
import { itemsOf, type JsonSchema } from "../../api/apiextensions/types.ts";
import { type FieldError, type FieldErrorType, FieldPath } from "../../api/field.ts";
import {
  CelCompileError,
  CelCostLimitError,
  CelEvalError,
  type CelValue,
  compile,
  defaultCostLimit,
  fromJson,
  type Program,
} from "../cel/index.ts";
import { CelOptional } from "../cel/values.ts";

/** Kubernetes' RuntimeCELCostBudget for one object's rules together. */
export const objectCostBudget = 10_000_000;

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface CompiledRule {
  rule: ValidationRule;
  program: Program;
  messageProgram?: Program;
  /** References oldSelf: runs on updates only (unless optionalOldSelf). */
  transition: boolean;
}

export function rulesOf(schema: JsonSchema): ValidationRule[] {
  return (schema["x-kubernetes-validations"] ?? []) as ValidationRule[];
}

const environment = { variables: ["self", "oldSelf"] };

function referencesOldSelf(program: Program): boolean {
  return /\boldSelf\b/.test(program.source);
}

/** A compile failure at `at` (…x-kubernetes-validations[i].rule or .messageExpression). */
export interface RuleCompileError {
  path: string;
  value: string;
  detail: string;
}

/** Compiles every rule of the schema tree; failures are returned, not thrown. */
export function compileRules(
  schema: JsonSchema,
  at: FieldPath,
  errors: RuleCompileError[],
): Map<ValidationRule, CompiledRule> {
  const out = new Map<ValidationRule, CompiledRule>();
  const visit = (s: JsonSchema, path: FieldPath) => {
    rulesOf(s).forEach((r, i) => {
      const rulePath = path.child("x-kubernetes-validations").index(i);
      const compiled = tryCompile(r.rule ?? "", rulePath.child("rule"), errors);
      const messageProgram = r.messageExpression
        ? tryCompile(r.messageExpression, rulePath.child("messageExpression"), errors)
        : undefined;
      if (compiled) {
        out.set(r, {
          rule: r,
          program: compiled,
          ...(messageProgram ? { messageProgram } : {}),
          transition: referencesOldSelf(compiled),
        });
      }
    });
    for (const [name, p] of Object.entries(s.properties ?? {})) visit(p, path.child("properties").key(name));
    const items = itemsOf(s);
    if (items) visit(items, path.child("items"));
    if (typeof s.additionalProperties === "object")
      visit(s.additionalProperties, path.child("additionalProperties"));
  };
  visit(schema, at);
  return out;
}

function tryCompile(source: string, at: FieldPath, errors: RuleCompileError[]): Program | undefined {
  try {
    return compile(source, environment);
  } catch (err) {
    if (!(err instanceof CelCompileError)) throw err;
    errors.push({ path: `${at}`, value: source, detail: `compilation failed: ${err.message}` });
    return undefined;
  }
}

export function hasRules(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  if (rulesOf(schema).length > 0) return true;
  const items = itemsOf(schema);
  return (
    Object.values(schema.properties ?? {}).some(hasRules) ||
    (items !== undefined && hasRules(items)) ||
    (typeof schema.additionalProperties === "object" && hasRules(schema.additionalProperties))
  );
}

const reasons: Record<string, FieldErrorType> = {
  FieldValueInvalid: "FieldValueInvalid",
  FieldValueForbidden: "FieldValueForbidden",
  FieldValueRequired: "FieldValueRequired",
  FieldValueDuplicate: "FieldValueDuplicate",
};

/** `.spec.replicas`, `.items[0]`, `['a.b']` relative to the node's path. */
function appendFieldPath(base: FieldPath | undefined, fieldPath: string): FieldPath | undefined {
  let path = base;
  const re = /\.([A-Za-z_$][\w$-]*)|\[\s*'([^']*)'\s*\]|\[(\d+)\]/y;
  let m = re.exec(fieldPath);
  while (m) {
    if (m[1] !== undefined) path = path ? path.child(m[1]) : FieldPath.root(m[1]);
    else if (m[2] !== undefined) path = path ? path.child(m[2]) : FieldPath.root(m[2]);
    else if (m[3] !== undefined) path = (path ?? FieldPath.root("")).index(Number(m[3]));
    m = re.exec(fieldPath);
  }
  return path;
}

export interface RuleValidationOptions {
  compiled: Map<ValidationRule, CompiledRule>;
  /** Rules to run: plain ones (validate), transition ones with an old value (validateUpdate). */
  phase: "create" | "update" | "transition";
}

class Walk {
  readonly errors: FieldError[] = [];
  private budget = objectCostBudget;
  private exhausted = false;

  constructor(private readonly options: RuleValidationOptions) {}

  node(schema: JsonSchema, value: unknown, old: unknown, path: FieldPath | undefined): void {
    if (value === undefined || value === null || this.exhausted) return;
    for (const rule of rulesOf(schema)) this.rule(rule, schema, value, old, path);
    if (Array.isArray(value)) {
      const items = itemsOf(schema);
      if (!items) return;
      const keys =
        schema["x-kubernetes-list-type"] === "map" ? (schema["x-kubernetes-list-map-keys"] ?? []) : undefined;
      value.forEach((v, i) => {
        this.node(items, v, correlateItem(v, old, keys), (path ?? FieldPath.root("")).index(i));
      });
      return;
    }
    if (typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    const oldRecord =
      old && typeof old === "object" && !Array.isArray(old) ? (old as Record<string, unknown>) : undefined;
    for (const [name, v] of Object.entries(record)) {
      const prop = schema.properties?.[name];
      if (prop) this.node(prop, v, oldRecord?.[name], path ? path.child(name) : FieldPath.root(name));
      else if (typeof schema.additionalProperties === "object")
        this.node(schema.additionalProperties, v, oldRecord?.[name], (path ?? FieldPath.root("")).key(name));
    }
  }

  private rule(
    rule: ValidationRule,
    schema: JsonSchema,
    value: unknown,
    old: unknown,
    path: FieldPath | undefined,
  ): void {
    const compiled = this.options.compiled.get(rule);
    if (!compiled) return;
    const { phase } = this.options;
    let oldSelf: CelValue | undefined;
    if (compiled.transition) {
      if (phase === "update") return;
      if (rule.optionalOldSelf)
        oldSelf = new CelOptional(
          old === undefined || phase === "create" ? undefined : fromJson(old, schema),
        );
      else if (phase !== "transition" || old === undefined) return;
      else oldSelf = fromJson(old, schema);
    } else if (phase === "transition") return;
    const self = fromJson(value, schema);
    const vars = { self, ...(oldSelf !== undefined ? { oldSelf } : {}) };
    const at = rule.fieldPath ? appendFieldPath(path, rule.fieldPath) : path;
    const type = schema.type ?? (schema["x-kubernetes-int-or-string"] ? "int-or-string" : "object");
    try {
      const result = this.run(compiled.program, vars);
      if (result === true) return;
      if (result !== false) throw new CelEvalError("rule must evaluate to bool");
      this.fail(rule, at, type, this.message(compiled, vars));
    } catch (err) {
      if (err instanceof CelCostLimitError) {
        this.exhausted = true;
        this.fail(
          { rule: rule.rule },
          at,
          type,
          "validation failed due to running out of cost budget, no further validation rules will be run",
        );
        return;
      }
      if (!(err instanceof CelEvalError)) throw err;
      this.fail({ rule: rule.rule }, at, type, `${err.message} evaluating rule: ${rule.rule.trim()}`);
    }
  }

  private run(program: Program, vars: Record<string, CelValue>): CelValue {
    const { value, cost } = program.evaluateWithCost(vars, {
      costLimit: Math.min(defaultCostLimit, this.budget),
    });
    this.budget -= cost;
    return value;
  }

  private message(compiled: CompiledRule, vars: Record<string, CelValue>): string {
    if (compiled.messageProgram) {
      try {
        const m = this.run(compiled.messageProgram, vars);
        if (typeof m === "string" && m.trim() !== "" && !/[\r\n]/.test(m)) return m.trim();
      } catch (err) {
        if (!(err instanceof CelEvalError)) throw err;
      }
    }
    return compiled.rule.message?.trim() || `failed rule: ${compiled.rule.rule.trim()}`;
  }

  private fail(rule: ValidationRule, at: FieldPath | undefined, type: string, detail: string): void {
    const field = at ? `${at}` : "<nil>";
    const kind = reasons[rule.reason ?? ""] ?? "FieldValueInvalid";
    if (kind === "FieldValueRequired" || kind === "FieldValueForbidden")
      this.errors.push({ type: kind, field, detail });
    else this.errors.push({ type: kind, field, badValue: type, detail });
  }
}

/** The old element a list element corresponds to: same list-map keys; other lists do not correlate. */
function correlateItem(value: unknown, old: unknown, keys: readonly string[] | undefined): unknown {
  if (!keys || keys.length === 0 || !Array.isArray(old) || !value || typeof value !== "object")
    return undefined;
  const v = value as Record<string, unknown>;
  return old.find(
    (o) =>
      o &&
      typeof o === "object" &&
      keys.every((k) => JSON.stringify((o as Record<string, unknown>)[k]) === JSON.stringify(v[k])),
  );
}

export function validateRules(
  schema: JsonSchema,
  value: unknown,
  old: unknown,
  options: RuleValidationOptions,
): FieldError[] {
  const walk = new Walk(options);
  walk.node(schema, value, old, undefined);
  return walk.errors;
}
