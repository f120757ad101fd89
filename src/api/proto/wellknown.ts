// Messages with their own JSON form in apimachinery (custom MarshalJSON): Time, MicroTime, Duration,
// Quantity, IntOrString, FieldsV1 and RawExtension. Each returns the JSON value, `undefined` for Go's
// zero value that marshals as null, and says whether the value is zero (for omitempty).
import { WireError, WireReader } from "./wire.ts";

export interface WellKnownValue {
  value: unknown;
  zero: boolean;
}

/** Decodes embedded objects (RawExtension holding protobuf); supplied by the envelope decoder. */
export type NestedDecoder = (bytes: Uint8Array) => unknown;

function fields(bytes: Uint8Array): Map<number, bigint | Uint8Array> {
  const out = new Map<number, bigint | Uint8Array>();
  const reader = new WireReader(bytes);
  for (let f = reader.next(); f; f = reader.next()) out.set(f.number, f.value);
  return out;
}

function int(v: bigint | Uint8Array | undefined, bits: 32 | 64): number {
  if (v === undefined) return 0;
  if (!(typeof v === "bigint")) throw new WireError("expected a varint");
  return Number(BigInt.asIntN(bits, v));
}

function text(v: bigint | Uint8Array | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "bigint") throw new WireError("expected a length-delimited string");
  return Buffer.from(v).toString("utf8");
}

/** RFC 3339 in UTC with `digits` fractional digits (Go's Time is seconds, MicroTime microseconds). */
function rfc3339(seconds: number, nanos: number, digits: 0 | 6): string {
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  if (digits === 0) return `${iso}Z`;
  return `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z`;
}

/** Go's time.Duration.String(): "0s", "1.5s", "1h0m0s", "300ms". */
export function goDuration(ns: bigint): string {
  if (ns === 0n) return "0s";
  const sign = ns < 0n ? "-" : "";
  const u = ns < 0n ? -ns : ns;
  const frac = (v: bigint, digits: number): string => {
    const scale = 10n ** BigInt(digits);
    const rest = (v % scale).toString().padStart(digits, "0").replace(/0+$/, "");
    return `${v / scale}${rest === "" ? "" : `.${rest}`}`;
  };
  if (u < 1000n) return `${sign}${u}ns`;
  if (u < 1_000_000n) return `${sign}${frac(u, 3)}µs`;
  if (u < 1_000_000_000n) return `${sign}${frac(u, 6)}ms`;
  const hours = u / 3_600_000_000_000n;
  const minutes = (u / 60_000_000_000n) % 60n;
  const seconds = frac(u % 60_000_000_000n, 9);
  if (hours > 0n) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0n) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString("utf8")) as unknown;
  } catch {
    throw new WireError(`${what} does not hold JSON`);
  }
}

const magic = [0x6b, 0x38, 0x73, 0x00];

export function hasMagic(bytes: Uint8Array): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

export function decodeWellKnown(
  name: string,
  bytes: Uint8Array,
  nested: NestedDecoder,
): WellKnownValue | undefined {
  switch (name) {
    case "meta.v1.Time":
    case "meta.v1.MicroTime": {
      // An empty message is Go's zero time (JSON null); nanos are dropped for Time like upstream.
      if (bytes.length === 0) return { value: undefined, zero: true };
      const f = fields(bytes);
      const digits = name === "meta.v1.Time" ? 0 : 6;
      return { value: rfc3339(int(f.get(1), 64), int(f.get(2), 32), digits), zero: false };
    }
    case "meta.v1.Duration": {
      const v = fields(bytes).get(1);
      const ns = typeof v === "bigint" ? BigInt.asIntN(64, v) : 0n;
      return { value: goDuration(ns), zero: ns === 0n };
    }
    case "resource.Quantity": {
      const s = text(fields(bytes).get(1));
      return { value: s === "" ? "0" : s, zero: s === "" || s === "0" };
    }
    case "intstr.IntOrString": {
      const f = fields(bytes);
      if (int(f.get(1), 64) === 1) {
        const s = text(f.get(3));
        return { value: s, zero: s === "" };
      }
      const n = int(f.get(2), 32);
      return { value: n, zero: n === 0 };
    }
    case "meta.v1.FieldsV1":
    case "runtime.RawExtension": {
      const raw = fields(bytes).get(1);
      if (raw === undefined || typeof raw === "bigint" || raw.length === 0)
        return { value: undefined, zero: true };
      const value = hasMagic(raw) ? nested(raw) : parseJson(raw, name);
      return { value, zero: false };
    }
    default:
      return undefined;
  }
}
