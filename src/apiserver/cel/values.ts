// CEL runtime values: int as bigint (int64 range checked), uint and double as tagged/plain
// numbers, lists as arrays, maps keyed by a canonical key, durations and timestamps in
// nanoseconds, types, optionals and opaque library objects; plus equality, ordering and the
// conversion from JSON objects (Kubernetes objects) into values.
import { CelEvalError } from "./errors.ts";
import { escapedKeywords } from "./keywords.ts";

export class CelUint {
  constructor(readonly value: bigint) {}
}

export class CelDuration {
  constructor(readonly nanos: bigint) {}
}

export class CelTimestamp {
  constructor(readonly nanos: bigint) {}
}

export class CelType {
  constructor(readonly name: string) {}
}

export class CelOptional {
  constructor(readonly value: CelValue | undefined) {}
  hasValue(): boolean {
    return this.value !== undefined;
  }
}

/** A library object with its own type name (quantity, authorizer, …): methods live in the library. */
export abstract class CelOpaque {
  abstract readonly typeName: string;
  equals(other: CelOpaque): boolean {
    return this === other;
  }
}

export class CelMap {
  private readonly entries = new Map<string, [CelValue, CelValue | Lazy]>();

  static of(pairs: Iterable<readonly [CelValue, CelValue]>): CelMap {
    const m = new CelMap();
    for (const [k, v] of pairs) m.set(k, v);
    return m;
  }

  set(key: CelValue, value: CelValue): void {
    const k = mapKey(key);
    if (this.entries.has(k)) throw new CelEvalError(`Failed with repeated key: ${display(key)}`);
    this.entries.set(k, [key, value]);
  }

  /** An entry computed on first read (admission policy variables); a failure repeats on every read. */
  setLazy(key: string, compute: () => CelValue): void {
    this.entries.set(mapKey(key), [key, new Lazy(compute)]);
  }

  get(key: CelValue): CelValue | undefined {
    const entry = this.entries.get(mapKey(key));
    if (!entry) return undefined;
    const v = entry[1];
    return v instanceof Lazy ? v.get() : v;
  }

  has(key: CelValue): boolean {
    return this.entries.has(mapKey(key));
  }

  get size(): number {
    return this.entries.size;
  }

  keys(): CelValue[] {
    return [...this.entries.values()].map(([k]) => k);
  }

  pairs(): [CelValue, CelValue][] {
    return [...this.entries.values()].map(([k]) => [k, this.get(k) ?? null]);
  }
}

class Lazy {
  private done = false;
  private value: CelValue = null;
  private error: unknown;
  constructor(private readonly compute: () => CelValue) {}
  get(): CelValue {
    if (!this.done) {
      try {
        this.value = this.compute();
      } catch (err) {
        this.error = err;
      }
      this.done = true;
    }
    if (this.error !== undefined) throw this.error;
    return this.value;
  }
}

export type CelValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | CelUint
  | CelDuration
  | CelTimestamp
  | CelType
  | CelOptional
  | CelMap
  | CelOpaque
  | readonly CelValue[];

export const INT64_MIN = -(1n << 63n);
export const INT64_MAX = (1n << 63n) - 1n;
export const UINT64_MAX = (1n << 64n) - 1n;

export function checkedInt(v: bigint): bigint {
  if (v < INT64_MIN || v > INT64_MAX) throw new CelEvalError("integer overflow");
  return v;
}

export function checkedUint(v: bigint): CelUint {
  if (v < 0n || v > UINT64_MAX) throw new CelEvalError("unsigned integer overflow");
  return new CelUint(v);
}

export function isList(v: CelValue): v is readonly CelValue[] {
  return Array.isArray(v);
}

/** Only bool, int, uint and string may key a map; numbers of equal value are the same key. */
function mapKey(key: CelValue): string {
  if (typeof key === "string") return `s${key}`;
  if (typeof key === "bigint") return `n${key}`;
  if (key instanceof CelUint) return `n${key.value}`;
  if (typeof key === "boolean") return `b${key}`;
  if (typeof key === "number" && Number.isInteger(key)) return `n${BigInt(key)}`;
  throw new CelEvalError(`unsupported key type: ${typeName(key)}`);
}

export function typeName(v: CelValue): string {
  if (v === null) return "null_type";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "double";
  if (typeof v === "string") return "string";
  if (v instanceof Uint8Array) return "bytes";
  if (v instanceof CelUint) return "uint";
  if (v instanceof CelDuration) return "google.protobuf.Duration";
  if (v instanceof CelTimestamp) return "google.protobuf.Timestamp";
  if (v instanceof CelType) return "type";
  if (v instanceof CelOptional) return "optional_type";
  if (v instanceof CelMap) return "map";
  if (v instanceof CelOpaque) return v.typeName;
  return "list";
}

/** A numeric value as a comparable (bigint when integral, else number), or undefined. */
function numeric(v: CelValue): bigint | number | undefined {
  if (typeof v === "bigint") return v;
  if (v instanceof CelUint) return v.value;
  if (typeof v === "number") return v;
  return undefined;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === "number" && Number.isNaN(a)) return Number.NaN;
  if (typeof b === "number" && Number.isNaN(b)) return Number.NaN;
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  if (x !== y) return x < y ? -1 : 1;
  // Equal as doubles: compare exactly when one side is an integer beyond 2^53.
  if (typeof a === "bigint" && Number.isInteger(y)) return a < BigInt(y) ? -1 : a > BigInt(y) ? 1 : 0;
  if (typeof b === "bigint" && Number.isInteger(x)) return BigInt(x) < b ? -1 : BigInt(x) > b ? 1 : 0;
  return 0;
}

/** CEL heterogeneous equality: numbers compare by value across int/uint/double; other types never equal. */
export function celEquals(a: CelValue, b: CelValue): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) {
    if (na === undefined || nb === undefined) return false;
    return compareNumbers(na, nb) === 0;
  }
  if (a === null || b === null) return a === b;
  if (typeof a !== "object" || typeof b !== "object") return a === b;
  if (isList(a)) {
    if (!isList(b) || a.length !== b.length) return false;
    return a.every((x, i) => celEquals(x, b[i] ?? null));
  }
  if (a instanceof CelMap) {
    if (!(b instanceof CelMap) || a.size !== b.size) return false;
    return a.pairs().every(([k, v]) => {
      const other = b.get(k);
      return other !== undefined && celEquals(v, other);
    });
  }
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  if (a instanceof CelDuration) return b instanceof CelDuration && a.nanos === b.nanos;
  if (a instanceof CelTimestamp) return b instanceof CelTimestamp && a.nanos === b.nanos;
  if (a instanceof CelType) return b instanceof CelType && a.name === b.name;
  if (a instanceof CelOptional) {
    if (!(b instanceof CelOptional)) return false;
    if (a.value === undefined || b.value === undefined) return a.value === b.value;
    return celEquals(a.value, b.value);
  }
  if (a instanceof CelOpaque) return b instanceof CelOpaque && a.equals(b);
  return false;
}

/** Ordering for `<`, `<=`, `>`, `>=` (and sorting): -1, 0, 1; NaN when unordered; throws on no overload. */
export function celCompare(a: CelValue, b: CelValue): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return compareNumbers(na, nb);
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Math.sign(Buffer.compare(a, b));
  if (
    (a instanceof CelDuration && b instanceof CelDuration) ||
    (a instanceof CelTimestamp && b instanceof CelTimestamp)
  )
    return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  if (a instanceof CelOpaque && b instanceof CelOpaque && "compare" in a && typeof a.compare === "function")
    return (a.compare as (o: CelOpaque) => number)(b);
  throw new CelEvalError(`no such overload: ${typeName(a)} < ${typeName(b)}`);
}

/** A short rendering for messages (`string(x)` has its own rules). */
export function display(v: CelValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "bigint" || typeof v === "boolean" || typeof v === "number") return String(v);
  if (v instanceof CelUint) return `${v.value}u`;
  if (isList(v)) return `[${v.map(display).join(", ")}]`;
  if (v instanceof CelMap)
    return `{${v
      .pairs()
      .map(([k, x]) => `${display(k)}: ${display(x)}`)
      .join(", ")}}`;
  return typeName(v);
}

/** Schema hints for turning JSON into values (CRD structural schemas): `number` fields are doubles. */
export interface JsonTypeHint {
  type?: string;
  properties?: Record<string, JsonTypeHint>;
  additionalProperties?: JsonTypeHint | boolean;
  items?: JsonTypeHint | JsonTypeHint[];
}

/**
 * How a schema property is named in CEL (Kubernetes' escaping): `__` → `__underscores__`,
 * `.` → `__dot__`, `-` → `__dash__`, `/` → `__slash__`, keywords → `__keyword__`.
 */
export function escapePropertyName(name: string): string {
  if (escapedKeywords.has(name)) return `__${name}__`;
  if (!/^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/.test(name)) return name;
  return name
    .replace(/__/g, "__underscores__")
    .replace(/\./g, "__dot__")
    .replace(/-/g, "__dash__")
    .replace(/\//g, "__slash__");
}

/**
 * A JSON value (a Kubernetes object) as a CEL value: integral numbers are ints unless the schema
 * says number. Properties the schema declares are named as escapePropertyName() says.
 */
export function fromJson(value: unknown, hint?: JsonTypeHint): CelValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (typeof value === "number") {
    if (hint?.type === "number" || !Number.isInteger(value)) return value;
    return BigInt(value);
  }
  if (Array.isArray(value)) {
    const items = hint && !Array.isArray(hint.items) ? hint.items : undefined;
    return value.map((v) => fromJson(v, items));
  }
  if (typeof value === "object") {
    const m = new CelMap();
    const extra = typeof hint?.additionalProperties === "object" ? hint.additionalProperties : undefined;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const declared = hint?.properties?.[k];
      m.set(declared ? escapePropertyName(k) : k, fromJson(v, declared ?? extra));
    }
    return m;
  }
  return null;
}

/** A value back as JSON (for messages and params); opaque values render by type. */
export function toJson(v: CelValue): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof CelUint) return Number(v.value);
  if (isList(v)) return v.map(toJson);
  if (v instanceof CelMap) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v.pairs()) out[String(typeof k === "bigint" ? k : toJson(k))] = toJson(x);
    return out;
  }
  return display(v);
}
