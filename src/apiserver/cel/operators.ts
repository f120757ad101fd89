// CEL's operators on values: arithmetic with int64/uint64 overflow checks and division by
// zero errors, string/bytes/list concatenation, duration/timestamp arithmetic, comparisons
// (numbers compare across types, as Kubernetes enables) and `in` for lists and maps.
import type { BinaryOp } from "./ast.ts";
import { CelEvalError } from "./errors.ts";
import { checkedDuration, checkedTimestamp } from "./time.ts";
import {
  CelDuration,
  CelMap,
  CelTimestamp,
  CelUint,
  type CelValue,
  celCompare,
  celEquals,
  checkedInt,
  checkedUint,
  isList,
  typeName,
} from "./values.ts";

function noOverload(op: string, a: CelValue, b?: CelValue): CelEvalError {
  const args = b === undefined ? typeName(a) : `${typeName(a)}, ${typeName(b)}`;
  return new CelEvalError(`no such overload: ${op}(${args})`);
}

export function negate(v: CelValue): CelValue {
  if (typeof v === "bigint") return checkedInt(-v);
  if (typeof v === "number") return -v;
  if (v instanceof CelDuration) return checkedDuration(-v.nanos);
  throw noOverload("-_", v);
}

export function not(v: CelValue): CelValue {
  if (typeof v === "boolean") return !v;
  throw noOverload("!_", v);
}

function add(a: CelValue, b: CelValue): CelValue {
  if (typeof a === "bigint" && typeof b === "bigint") return checkedInt(a + b);
  if (a instanceof CelUint && b instanceof CelUint) return checkedUint(a.value + b.value);
  if (typeof a === "number" && typeof b === "number") return a + b;
  if (typeof a === "string" && typeof b === "string") return a + b;
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Uint8Array.from([...a, ...b]);
  if (isList(a) && isList(b)) return [...a, ...b];
  if (a instanceof CelDuration && b instanceof CelDuration) return checkedDuration(a.nanos + b.nanos);
  if (a instanceof CelTimestamp && b instanceof CelDuration) return checkedTimestamp(a.nanos + b.nanos);
  if (a instanceof CelDuration && b instanceof CelTimestamp) return checkedTimestamp(a.nanos + b.nanos);
  throw noOverload("_+_", a, b);
}

function subtract(a: CelValue, b: CelValue): CelValue {
  if (typeof a === "bigint" && typeof b === "bigint") return checkedInt(a - b);
  if (a instanceof CelUint && b instanceof CelUint) return checkedUint(a.value - b.value);
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (a instanceof CelDuration && b instanceof CelDuration) return checkedDuration(a.nanos - b.nanos);
  if (a instanceof CelTimestamp && b instanceof CelDuration) return checkedTimestamp(a.nanos - b.nanos);
  if (a instanceof CelTimestamp && b instanceof CelTimestamp) return checkedDuration(a.nanos - b.nanos);
  throw noOverload("_-_", a, b);
}

function multiply(a: CelValue, b: CelValue): CelValue {
  if (typeof a === "bigint" && typeof b === "bigint") return checkedInt(a * b);
  if (a instanceof CelUint && b instanceof CelUint) return checkedUint(a.value * b.value);
  if (typeof a === "number" && typeof b === "number") return a * b;
  throw noOverload("_*_", a, b);
}

function divide(a: CelValue, b: CelValue): CelValue {
  if (typeof a === "bigint" && typeof b === "bigint") {
    if (b === 0n) throw new CelEvalError("division by zero");
    return checkedInt(a / b);
  }
  if (a instanceof CelUint && b instanceof CelUint) {
    if (b.value === 0n) throw new CelEvalError("division by zero");
    return new CelUint(a.value / b.value);
  }
  if (typeof a === "number" && typeof b === "number") return a / b;
  throw noOverload("_/_", a, b);
}

function modulo(a: CelValue, b: CelValue): CelValue {
  if (typeof a === "bigint" && typeof b === "bigint") {
    if (b === 0n) throw new CelEvalError("modulus by zero");
    return checkedInt(a % b);
  }
  if (a instanceof CelUint && b instanceof CelUint) {
    if (b.value === 0n) throw new CelEvalError("modulus by zero");
    return new CelUint(a.value % b.value);
  }
  throw noOverload("_%_", a, b);
}

function contains(container: CelValue, item: CelValue): boolean {
  if (isList(container)) return container.some((x) => celEquals(x, item));
  if (container instanceof CelMap) {
    try {
      return container.has(item);
    } catch {
      return false;
    }
  }
  throw noOverload("@in", item, container);
}

/** NaN is unordered: every comparison with it is false. */
function ordered(a: CelValue, b: CelValue, test: (c: number) => boolean): boolean {
  const c = celCompare(a, b);
  return !Number.isNaN(c) && test(c);
}

export function binary(op: BinaryOp, a: CelValue, b: CelValue): CelValue {
  switch (op) {
    case "+":
      return add(a, b);
    case "-":
      return subtract(a, b);
    case "*":
      return multiply(a, b);
    case "/":
      return divide(a, b);
    case "%":
      return modulo(a, b);
    case "==":
      return celEquals(a, b);
    case "!=":
      return !celEquals(a, b);
    case "<":
      return ordered(a, b, (c) => c < 0);
    case "<=":
      return ordered(a, b, (c) => c <= 0);
    case ">":
      return ordered(a, b, (c) => c > 0);
    case ">=":
      return ordered(a, b, (c) => c >= 0);
    case "in":
      return contains(b, a);
  }
}
