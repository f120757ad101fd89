// resource.Quantity: parsing, canonical formatting and exact comparison of values like
// `100m`, `1Gi`, `1e3` and `0.5`, as apimachinery's pkg/api/resource does them.

/** How a quantity is written back: the format is kept from the parsed text, as in Kubernetes. */
export type QuantityFormat = "DecimalSI" | "BinarySI" | "DecimalExponent";

/** Thrown for text that is not a quantity. Validation turns it into a field error. */
export class QuantityParseError extends Error {
  override name = "QuantityParseError";
}

/** Kubernetes' message for unparseable quantities (resource.ErrFormatWrong). */
export const quantityFormatMessage =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

const NANO = 1_000_000_000n;
const quantityRegex = /^([+-]?)([0-9]+\.?[0-9]*|\.[0-9]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

const decimalSuffixes: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

/** Divides rounding up (away from zero for positive, toward +∞ in general), as Quantity rounds to nano scale. */
function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
}

/** An exact quantity: an integer count of nano-units plus the format it was written in. */
export class Quantity {
  private constructor(
    /** The value times 10^9 (Kubernetes never keeps more precision than nano). */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
  ) {}

  static parse(text: string): Quantity {
    const m = quantityRegex.exec(text);
    if (!m) throw new QuantityParseError(quantityFormatMessage);
    const [, sign = "", number = "", suffix = ""] = m;
    let format: QuantityFormat;
    let base10 = 0;
    let base2 = 0;
    if (suffix in binarySuffixes) {
      format = "BinarySI";
      base2 = binarySuffixes[suffix] ?? 0;
    } else if (suffix in decimalSuffixes) {
      format = "DecimalSI";
      base10 = decimalSuffixes[suffix] ?? 0;
    } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
      format = "DecimalExponent";
      base10 = Number.parseInt(suffix.slice(1), 10);
      // Far beyond any meaningful resource amount; keeps bigint arithmetic bounded.
      if (Math.abs(base10) > 1000) throw new QuantityParseError(quantityFormatMessage);
    } else {
      throw new QuantityParseError(quantityFormatMessage);
    }
    const [whole = "", fraction = ""] = number.split(".");
    let numerator = BigInt((whole || "0") + fraction) * 2n ** BigInt(base2);
    const exponent = base10 - fraction.length + 9;
    if (exponent >= 0) numerator *= 10n ** BigInt(exponent);
    else numerator = ceilDiv(numerator, 10n ** BigInt(-exponent));
    return new Quantity(sign === "-" ? -numerator : numerator, format);
  }

  /** Like parse, but returns undefined instead of throwing. */
  static tryParse(text: string): Quantity | undefined {
    try {
      return Quantity.parse(text);
    } catch {
      return undefined;
    }
  }

  static fromNanos(nanos: bigint, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity(nanos, format);
  }

  /** A whole number of units (bytes, cores…). */
  static fromInteger(value: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity(BigInt(value) * NANO, format);
  }

  static fromMilli(milli: number | bigint, format: QuantityFormat = "DecimalSI"): Quantity {
    return new Quantity(BigInt(milli) * 1_000_000n, format);
  }

  /** -1, 0 or 1. */
  cmp(other: Quantity): number {
    return this.nanos < other.nanos ? -1 : this.nanos > other.nanos ? 1 : 0;
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): number {
    return this.nanos < 0n ? -1 : this.nanos > 0n ? 1 : 0;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.format);
  }

  /** The value rounded up to a whole unit (Quantity.Value). */
  value(): bigint {
    return ceilDiv(this.nanos, NANO);
  }

  /** The value in thousandths, rounded up (Quantity.MilliValue). */
  milliValue(): bigint {
    return ceilDiv(this.nanos, 1_000_000n);
  }

  /** An approximate floating-point value, for scoring and display only. */
  toNumber(): number {
    return Number(this.nanos) / 1e9;
  }

  /** The canonical text (Quantity.String): `1500m`, `2Mi`, `1k`, `1e3`. */
  toString(): string {
    if (this.nanos === 0n) return "0";
    const negative = this.nanos < 0n;
    const abs = negative ? -this.nanos : this.nanos;
    let format = this.format;
    if (format === "BinarySI" && (abs < 1024n * NANO || abs % NANO !== 0n)) format = "DecimalSI";
    let text: string;
    if (format === "BinarySI") {
      let amount = abs / NANO;
      let exponent = 0;
      while (exponent < 60 && amount % 1024n === 0n) {
        amount /= 1024n;
        exponent += 10;
      }
      text = `${amount}${binaryByExponent.get(exponent) ?? ""}`;
    } else {
      // Largest exponent (multiple of 3, from -9) that keeps the mantissa whole.
      let mantissa = abs;
      let exponent = -9;
      while (mantissa % 1000n === 0n && (format === "DecimalExponent" || exponent < 18)) {
        mantissa /= 1000n;
        exponent += 3;
      }
      text =
        format === "DecimalExponent"
          ? `${mantissa}${exponent === 0 ? "" : `e${exponent}`}`
          : `${mantissa}${decimalByExponent.get(exponent) ?? ""}`;
    }
    return negative ? `-${text}` : text;
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Compares two quantity strings; throws QuantityParseError on bad input. */
export function compareQuantities(a: string, b: string): number {
  return Quantity.parse(a).cmp(Quantity.parse(b));
}

/** A quantity as it appears in JSON: Kubernetes accepts numbers as well as strings. */
export function parseQuantityValue(value: unknown): Quantity {
  if (typeof value === "number" && Number.isFinite(value)) return Quantity.parse(String(value));
  if (typeof value === "string") return Quantity.parse(value);
  throw new QuantityParseError(quantityFormatMessage);
}
