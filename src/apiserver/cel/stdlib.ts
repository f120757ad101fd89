// CEL's standard functions: size, the type conversions (int, uint, double, string, bool,
// bytes, type, dyn, duration, timestamp), matches/contains/startsWith/endsWith and the
// timestamp/duration accessors.
import { CelEvalError } from "./errors.ts";
import { type FunctionDef, miss } from "./functions.ts";
import { compileRegex } from "./regex.ts";
import {
  checkedTimestamp,
  durationField,
  formatDuration,
  formatTimestamp,
  parseDuration,
  parseTimestamp,
  timeAccessors,
  timestampField,
} from "./time.ts";
import {
  CelDuration,
  CelMap,
  CelTimestamp,
  CelType,
  CelUint,
  type CelValue,
  checkedInt,
  checkedUint,
  INT64_MAX,
  INT64_MIN,
  isList,
  typeName,
} from "./values.ts";

const SECOND = 1_000_000_000n;

export function codePoints(s: string): string[] {
  return Array.from(s);
}

function size(v: CelValue): bigint {
  if (typeof v === "string") return BigInt(codePoints(v).length);
  if (v instanceof Uint8Array) return BigInt(v.length);
  if (isList(v)) return BigInt(v.length);
  if (v instanceof CelMap) return BigInt(v.size);
  throw miss("size", v);
}

function toInt(v: CelValue): bigint {
  if (typeof v === "bigint") return v;
  if (v instanceof CelUint) return checkedInt(v.value);
  if (typeof v === "number") {
    // Doubles at or beyond ±2^63 do not fit (cel-go's range check).
    if (!Number.isFinite(v) || v >= 2 ** 63 || v <= -(2 ** 63)) throw new CelEvalError("integer overflow");
    return BigInt(Math.trunc(v));
  }
  if (typeof v === "string") {
    if (!/^[-+]?\d+$/.test(v)) throw new CelEvalError(`cannot parse ${JSON.stringify(v)} as int`);
    const n = BigInt(v);
    if (n < INT64_MIN || n > INT64_MAX) throw new CelEvalError("integer overflow");
    return n;
  }
  if (v instanceof CelTimestamp) {
    const s = v.nanos / SECOND;
    return v.nanos < 0n && v.nanos % SECOND !== 0n ? s - 1n : s;
  }
  throw miss("int", v);
}

function toUint(v: CelValue): CelUint {
  if (v instanceof CelUint) return v;
  if (typeof v === "bigint") return checkedUint(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0 || v >= 2 ** 64) throw new CelEvalError("unsigned integer overflow");
    return new CelUint(BigInt(Math.trunc(v)));
  }
  if (typeof v === "string") {
    if (!/^\+?\d+$/.test(v)) throw new CelEvalError(`cannot parse ${JSON.stringify(v)} as uint`);
    return checkedUint(BigInt(v));
  }
  throw miss("uint", v);
}

function toDouble(v: CelValue): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof CelUint) return Number(v.value);
  if (typeof v === "string") {
    const n = Number(v.trim() === "" ? Number.NaN : v);
    if (Number.isNaN(n) && !/^[-+]?nan$/i.test(v))
      throw new CelEvalError(`cannot parse ${JSON.stringify(v)} as double`);
    return n;
  }
  throw miss("double", v);
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64) spelling for the common cases. */
function formatDouble(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  const abs = Math.abs(n);
  if (abs !== 0 && (abs >= 1e21 || abs < 1e-4)) return n.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
  return String(n);
}

function toCelString(v: CelValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof CelUint) return String(v.value);
  if (typeof v === "number") return formatDouble(v);
  if (v instanceof Uint8Array) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(v);
    } catch {
      throw new CelEvalError("invalid UTF-8 in bytes, cannot convert to string");
    }
  }
  if (v instanceof CelDuration) return formatDuration(v);
  if (v instanceof CelTimestamp) return formatTimestamp(v);
  throw miss("string", v);
}

function toBool(v: CelValue): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "string") {
    if (["1", "t", "true", "TRUE", "True"].includes(v)) return true;
    if (["0", "f", "false", "FALSE", "False"].includes(v)) return false;
    throw new CelEvalError(`type conversion error from 'string' to 'bool'`);
  }
  throw miss("bool", v);
}

function str(fn: string, v: CelValue): string {
  if (typeof v !== "string") throw miss(fn, v);
  return v;
}

function stringPredicate(fn: string, test: (s: string, x: string) => boolean): FunctionDef {
  return {
    member: {
      arities: [1],
      impl: (t, [x = null], ctx) => {
        const s = str(fn, t);
        ctx.cost(1 + Math.ceil(s.length / 10));
        return test(s, str(fn, x));
      },
    },
  };
}

function matches(s: CelValue, pattern: CelValue): boolean {
  return compileRegex(str("matches", pattern)).test(str("matches", s));
}

const accessors: Record<string, FunctionDef> = Object.fromEntries(
  timeAccessors.map((name) => [
    name,
    {
      member: {
        arities: [0, 1],
        impl: (t: CelValue, args: CelValue[]) => {
          if (t instanceof CelTimestamp)
            return timestampField(t, name, args[0] === undefined ? undefined : str(name, args[0]));
          if (t instanceof CelDuration && args.length === 0) return durationField(t, name);
          throw miss(name, t, ...args);
        },
      },
    },
  ]),
);

const typeIdentifiers = [
  "int",
  "uint",
  "double",
  "string",
  "bool",
  "bytes",
  "list",
  "map",
  "null_type",
  "type",
];
/** Type names usable as values: `type(x) == int`. */
export const typeValues: ReadonlyMap<string, CelValue> = new Map(
  typeIdentifiers.map((n) => [n, new CelType(n)]),
);

export const standardLibrary: Record<string, FunctionDef> = {
  size: {
    global: { arities: [1], impl: ([v = null]) => size(v) },
    member: { arities: [0], impl: (t) => size(t) },
  },
  int: { global: { arities: [1], impl: ([v = null]) => toInt(v) } },
  uint: { global: { arities: [1], impl: ([v = null]) => toUint(v) } },
  double: { global: { arities: [1], impl: ([v = null]) => toDouble(v) } },
  string: { global: { arities: [1], impl: ([v = null]) => toCelString(v) } },
  bool: { global: { arities: [1], impl: ([v = null]) => toBool(v) } },
  bytes: {
    global: {
      arities: [1],
      impl: ([v = null]) => {
        if (v instanceof Uint8Array) return v;
        return new TextEncoder().encode(str("bytes", v));
      },
    },
  },
  type: { global: { arities: [1], impl: ([v = null]) => new CelType(typeName(v)) } },
  dyn: { global: { arities: [1], impl: ([v = null]) => v } },
  duration: {
    global: {
      arities: [1],
      impl: ([v = null]) => (v instanceof CelDuration ? v : parseDuration(str("duration", v))),
    },
  },
  timestamp: {
    global: {
      arities: [1],
      impl: ([v = null]) => {
        if (v instanceof CelTimestamp) return v;
        if (typeof v === "bigint") return checkedTimestamp(v * SECOND);
        return parseTimestamp(str("timestamp", v));
      },
    },
  },
  matches: {
    global: { arities: [2], impl: ([s = null, p = null]) => matches(s, p) },
    member: { arities: [1], impl: (t, [p = null]) => matches(t, p) },
  },
  contains: stringPredicate("contains", (s, x) => s.includes(x)),
  startsWith: stringPredicate("startsWith", (s, x) => s.startsWith(x)),
  endsWith: stringPredicate("endsWith", (s, x) => s.endsWith(x)),
  ...accessors,
};
