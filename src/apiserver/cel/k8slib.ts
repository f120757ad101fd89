// Kubernetes' quantity library (quantity(), isQuantity(), comparisons and arithmetic on
// resource quantities) and CEL's optional values (optional.of/none/ofNonZeroValue,
// hasValue, value, orValue, or).
import { Quantity } from "../../api/quantity.ts";
import { CelEvalError } from "./errors.ts";
import { type FunctionDef, miss } from "./functions.ts";
import { CelMap, CelOpaque, CelOptional, type CelValue, checkedInt, isList } from "./values.ts";

export class QuantityValue extends CelOpaque {
  readonly typeName = "kubernetes.Quantity";
  constructor(readonly quantity: Quantity) {
    super();
  }
  override equals(other: CelOpaque): boolean {
    return other instanceof QuantityValue && other.quantity.cmp(this.quantity) === 0;
  }
  compare(other: CelOpaque): number {
    if (!(other instanceof QuantityValue)) throw miss("compareTo", this, other);
    return this.quantity.cmp(other.quantity);
  }
}

function quantityOf(fn: string, v: CelValue | undefined): Quantity {
  if (v instanceof QuantityValue) return v.quantity;
  if (typeof v === "bigint") return Quantity.fromInteger(v);
  throw miss(fn, v ?? null);
}

function receiver(fn: string, v: CelValue): Quantity {
  if (v instanceof QuantityValue) return v.quantity;
  throw miss(fn, v);
}

function qmember(fn: string, arity: number, impl: (q: Quantity, args: CelValue[]) => CelValue): FunctionDef {
  return { member: { arities: [arity], impl: (t, args) => impl(receiver(fn, t), args) } };
}

export const quantityLibrary: Record<string, FunctionDef> = {
  quantity: {
    global: {
      arities: [1],
      impl: ([s]) => {
        if (typeof s !== "string") throw miss("quantity", s ?? null);
        const q = Quantity.tryParse(s);
        if (!q)
          throw new CelEvalError(
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
          );
        return new QuantityValue(q);
      },
    },
  },
  isQuantity: {
    global: {
      arities: [1],
      impl: ([s]) => typeof s === "string" && Quantity.tryParse(s) !== undefined,
    },
  },
  isLessThan: qmember("isLessThan", 1, (q, [o]) => q.cmp(quantityOf("isLessThan", o)) < 0),
  isGreaterThan: qmember("isGreaterThan", 1, (q, [o]) => q.cmp(quantityOf("isGreaterThan", o)) > 0),
  compareTo: qmember("compareTo", 1, (q, [o]) => BigInt(q.cmp(quantityOf("compareTo", o)))),
  add: qmember("add", 1, (q, [o]) => new QuantityValue(q.add(quantityOf("add", o)))),
  sub: qmember("sub", 1, (q, [o]) => new QuantityValue(q.sub(quantityOf("sub", o)))),
  sign: qmember("sign", 0, (q) => BigInt(q.sign())),
  isInteger: qmember("isInteger", 0, (q) => q.nanos % 1_000_000_000n === 0n),
  asApproximateFloat: qmember("asApproximateFloat", 0, (q) => q.toNumber()),
  asInteger: qmember("asInteger", 0, (q) => {
    if (q.nanos % 1_000_000_000n !== 0n) throw new CelEvalError("cannot convert value to integer");
    return checkedInt(q.nanos / 1_000_000_000n);
  }),
};

function isZeroValue(v: CelValue): boolean {
  if (v === null || v === false || v === 0n || v === 0 || v === "") return true;
  if (isList(v)) return v.length === 0;
  if (v instanceof CelMap) return v.size === 0;
  if (v instanceof Uint8Array) return v.length === 0;
  return false;
}

function opt(fn: string, v: CelValue): CelOptional {
  if (!(v instanceof CelOptional)) throw miss(fn, v);
  return v;
}

/** `optional.of(x)` parses as a call of `of` on the identifier `optional`: the evaluator maps it here. */
export const optionalGlobals: Record<string, FunctionDef> = {
  "optional.of": { global: { arities: [1], impl: ([v = null]) => new CelOptional(v) } },
  "optional.none": { global: { arities: [0], impl: () => new CelOptional(undefined) } },
  "optional.ofNonZeroValue": {
    global: { arities: [1], impl: ([v = null]) => new CelOptional(isZeroValue(v) ? undefined : v) },
  },
};

export const optionalLibrary: Record<string, FunctionDef> = {
  ...optionalGlobals,
  hasValue: { member: { arities: [0], impl: (t) => opt("hasValue", t).hasValue() } },
  value: {
    member: {
      arities: [0],
      impl: (t) => {
        const v = opt("value", t).value;
        if (v === undefined) throw new CelEvalError("optional.none() dereference");
        return v;
      },
    },
  },
  orValue: { member: { arities: [1], impl: (t, [d = null]) => opt("orValue", t).value ?? d } },
  or: {
    member: {
      arities: [1],
      impl: (t, [o = null]) => (opt("or", t).hasValue() ? t : opt("or", o)),
    },
  },
};
