// Tree-walking CEL evaluator. Each node charges one step (library calls charge more), so a
// hostile expression stops at the budget; `&&`, `||`, all() and exists() absorb errors the
// way CEL specifies (commutatively: `error || true` is true); errors carry the failing offset.
import type { Expr } from "./ast.ts";
import { CelCostLimitError, CelEvalError } from "./errors.ts";
import type { CallContext, FunctionTable } from "./functions.ts";
import { binary, negate, not } from "./operators.ts";
import { typeValues } from "./stdlib.ts";
import { CelMap, CelOptional, type CelValue, isList, typeName } from "./values.ts";

/** Variables: returns undefined for names the activation does not define. */
export type Resolver = (name: string) => CelValue | undefined;

interface Scope {
  name: string;
  value: CelValue;
  parent: Scope | undefined;
}

export interface EvaluationOptions {
  /** Step budget; exceeding it fails with CelCostLimitError. */
  costLimit: number;
}

export class Evaluator implements CallContext {
  private spent = 0;

  constructor(
    private readonly functions: FunctionTable,
    private readonly resolve: Resolver,
    private readonly options: EvaluationOptions,
  ) {}

  /** Steps used so far (the actual cost, for tests and metrics). */
  get actualCost(): number {
    return this.spent;
  }

  cost(units: number): void {
    this.spent += units;
    if (this.spent > this.options.costLimit)
      throw new CelCostLimitError("operation cancelled: actual cost limit exceeded");
  }

  evaluate(e: Expr, scope?: Scope): CelValue {
    this.cost(1);
    try {
      return this.node(e, scope);
    } catch (err) {
      if (err instanceof CelEvalError && err.pos === undefined) err.pos = e.pos;
      throw err;
    }
  }

  private node(e: Expr, scope: Scope | undefined): CelValue {
    switch (e.type) {
      case "literal":
        return e.value;
      case "ident":
        return this.lookup(e.name, scope);
      case "select":
        return this.select(this.evaluate(e.operand, scope), e.field, e.optional);
      case "has":
        return this.has(this.evaluate(e.operand, scope), e.field);
      case "index":
        return this.index(this.evaluate(e.operand, scope), this.evaluate(e.index, scope), e.optional);
      case "list":
        return this.list(e, scope);
      case "map":
        return this.map(e, scope);
      case "cond": {
        const test = this.evaluate(e.test, scope);
        if (typeof test !== "boolean") throw new CelEvalError(`no such overload: _?_:_(${typeName(test)})`);
        return this.evaluate(test ? e.then : e.otherwise, scope);
      }
      case "logic":
        return this.logic(e.op, e.left, e.right, scope);
      case "unary": {
        const v = this.evaluate(e.operand, scope);
        return e.op === "!" ? not(v) : negate(v);
      }
      case "binary":
        return binary(e.op, this.evaluate(e.left, scope), this.evaluate(e.right, scope));
      case "call":
        return this.call(e.fn, e.target, e.args, scope);
      case "macro":
        return this.macro(e, scope);
      case "bind":
        return this.evaluate(e.body, { name: e.name, value: this.evaluate(e.init, scope), parent: scope });
    }
  }

  private lookup(name: string, scope: Scope | undefined): CelValue {
    for (let s = scope; s; s = s.parent) if (s.name === name) return s.value;
    const v = this.resolve(name);
    if (v !== undefined) return v;
    const type = typeValues.get(name);
    if (type !== undefined) return type;
    throw new CelEvalError(`no such attribute: ${name}`);
  }

  private select(operand: CelValue, field: string, optional: boolean): CelValue {
    if (operand instanceof CelOptional) {
      if (operand.value === undefined) return operand;
      const inner = operand.value;
      if (inner instanceof CelMap) return new CelOptional(inner.get(field));
      throw new CelEvalError(`no such overload: ${typeName(inner)}.${field}`);
    }
    if (operand instanceof CelMap) {
      const v = operand.get(field);
      if (optional) return new CelOptional(v);
      if (v === undefined) throw new CelEvalError(`no such key: ${field}`);
      return v;
    }
    throw new CelEvalError(`no such key: ${field}`);
  }

  private has(operand: CelValue, field: string): boolean {
    if (operand instanceof CelMap) return operand.has(field);
    if (operand instanceof CelOptional) return operand.value instanceof CelMap && operand.value.has(field);
    throw new CelEvalError(`invalid type for field selection: ${typeName(operand)}`);
  }

  private index(operand: CelValue, index: CelValue, optional: boolean): CelValue {
    if (operand instanceof CelOptional) {
      if (operand.value === undefined) return operand;
      return this.index(operand.value, index, true);
    }
    if (isList(operand)) {
      const i =
        typeof index === "bigint"
          ? index
          : typeof index === "number" && Number.isInteger(index)
            ? BigInt(index)
            : undefined;
      if (i === undefined) throw new CelEvalError(`no such overload: list[${typeName(index)}]`);
      const inRange = i >= 0n && i < BigInt(operand.length);
      if (optional) return new CelOptional(inRange ? (operand[Number(i)] ?? null) : undefined);
      if (!inRange) throw new CelEvalError(`index out of bounds: ${i}`);
      return operand[Number(i)] ?? null;
    }
    if (operand instanceof CelMap) {
      const v = operand.get(index);
      if (optional) return new CelOptional(v);
      if (v === undefined)
        throw new CelEvalError(`no such key: ${typeof index === "string" ? index : String(index)}`);
      return v;
    }
    throw new CelEvalError(`no such overload: ${typeName(operand)}[${typeName(index)}]`);
  }

  private list(e: Extract<Expr, { type: "list" }>, scope: Scope | undefined): CelValue {
    const out: CelValue[] = [];
    e.elements.forEach((x, i) => {
      const v = this.evaluate(x, scope);
      if (!e.optional[i]) out.push(v);
      else if (!(v instanceof CelOptional))
        throw new CelEvalError(`no such overload: optional element ${typeName(v)}`);
      else if (v.value !== undefined) out.push(v.value);
    });
    return out;
  }

  private map(e: Extract<Expr, { type: "map" }>, scope: Scope | undefined): CelValue {
    const m = new CelMap();
    for (const entry of e.entries) {
      const key = this.evaluate(entry.key, scope);
      const value = this.evaluate(entry.value, scope);
      if (!entry.optional) m.set(key, value);
      else if (!(value instanceof CelOptional))
        throw new CelEvalError(`no such overload: optional entry ${typeName(value)}`);
      else if (value.value !== undefined) m.set(key, value.value);
    }
    return m;
  }

  /** Evaluates and returns either the value or the (absorbable) error. */
  private attempt(e: Expr, scope: Scope | undefined): { value: CelValue } | { error: CelEvalError } {
    try {
      return { value: this.evaluate(e, scope) };
    } catch (err) {
      if (err instanceof CelEvalError && !(err instanceof CelCostLimitError)) return { error: err };
      throw err;
    }
  }

  private logic(op: "&&" | "||", left: Expr, right: Expr, scope: Scope | undefined): CelValue {
    const decisive = op === "||";
    const a = this.attempt(left, scope);
    if ("value" in a && a.value === decisive) return decisive;
    const b = this.attempt(right, scope);
    if ("value" in b && b.value === decisive) return decisive;
    if ("error" in a) throw a.error;
    if ("error" in b) throw b.error;
    if (typeof a.value !== "boolean" || typeof b.value !== "boolean")
      throw new CelEvalError(`no such overload: _${op}_(${typeName(a.value)}, ${typeName(b.value)})`);
    return !decisive;
  }

  private call(fn: string, target: Expr | undefined, argExprs: Expr[], scope: Scope | undefined): CelValue {
    const qualified =
      target?.type === "ident" && this.isPackage(target.name, fn, scope) ? `${target.name}.${fn}` : undefined;
    if (qualified !== undefined) {
      const def = this.functions.get(qualified)?.global;
      if (!def) throw new CelEvalError(`undeclared reference to '${qualified}'`);
      return def.impl(
        argExprs.map((a) => this.evaluate(a, scope)),
        this,
      );
    }
    const def = this.functions.get(fn);
    if (target) {
      const receiver = this.evaluate(target, scope);
      const args = argExprs.map((a) => this.evaluate(a, scope));
      if (!def?.member) throw new CelEvalError(`no such overload: ${typeName(receiver)}.${fn}`);
      return def.member.impl(receiver, args, this);
    }
    const args = argExprs.map((a) => this.evaluate(a, scope));
    if (!def?.global) throw new CelEvalError(`undeclared reference to '${fn}'`);
    return def.global.impl(args, this);
  }

  /** `optional.of(x)`: `optional` is a namespace unless a variable of that name exists. */
  private isPackage(name: string, fn: string, scope: Scope | undefined): boolean {
    for (let s = scope; s; s = s.parent) if (s.name === name) return false;
    return this.resolve(name) === undefined && this.functions.has(`${name}.${fn}`);
  }

  private macro(e: Extract<Expr, { type: "macro" }>, scope: Scope | undefined): CelValue {
    const range = this.evaluate(e.range, scope);
    let items: readonly CelValue[];
    if (isList(range)) items = range;
    else if (range instanceof CelMap) items = range.keys();
    else throw new CelEvalError(`expression of type '${typeName(range)}' cannot be range of a comprehension`);
    const inner = (v: CelValue): Scope => ({ name: e.iterVar, value: v, parent: scope });
    const bool = (x: CelValue): boolean => {
      if (typeof x !== "boolean")
        throw new CelEvalError(`no such overload: predicate returned ${typeName(x)}`);
      return x;
    };
    switch (e.macro) {
      case "all":
      case "exists": {
        const decisive = e.macro === "exists";
        let error: CelEvalError | undefined;
        for (const item of items) {
          const r = this.attempt(e.body, inner(item));
          if ("error" in r) error ??= r.error;
          else if (bool(r.value) === decisive) return decisive;
        }
        if (error) throw error;
        return !decisive;
      }
      case "exists_one": {
        let count = 0;
        for (const item of items) if (bool(this.evaluate(e.body, inner(item)))) count++;
        return count === 1;
      }
      case "filter":
        return items.filter((item) => bool(this.evaluate(e.body, inner(item))));
      case "map": {
        const out: CelValue[] = [];
        for (const item of items) {
          if (e.transform) {
            if (bool(this.evaluate(e.body, inner(item)))) out.push(this.evaluate(e.transform, inner(item)));
          } else out.push(this.evaluate(e.body, inner(item)));
        }
        return out;
      }
    }
  }
}
