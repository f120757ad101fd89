// CEL durations and timestamps: Go-style duration text (`1h30m`, `1.5s`, `300ms`), RFC 3339
// timestamps, their string forms, range checks (±10,000 years) and the get* accessors.
import { CelEvalError } from "./errors.ts";
import { CelDuration, CelTimestamp } from "./values.ts";

const SECOND = 1_000_000_000n;
const unitNanos: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  µs: 1_000n,
  μs: 1_000n,
  ms: 1_000_000n,
  s: SECOND,
  m: 60n * SECOND,
  h: 3600n * SECOND,
};
const maxDurationNanos = 315_576_000_000n * SECOND + 999_999_999n;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999999Z
const minTimestampSeconds = -62135596800n;
const maxTimestampSeconds = 253402300799n;

export function checkedDuration(nanos: bigint): CelDuration {
  if (nanos > maxDurationNanos || nanos < -maxDurationNanos) throw new CelEvalError("duration out of range");
  return new CelDuration(nanos);
}

export function checkedTimestamp(nanos: bigint): CelTimestamp {
  const seconds = nanos >= 0n ? nanos / SECOND : -((-nanos + SECOND - 1n) / SECOND);
  if (seconds < minTimestampSeconds || seconds > maxTimestampSeconds)
    throw new CelEvalError("timestamp out of range");
  return new CelTimestamp(nanos);
}

/** Go's time.ParseDuration grammar. */
export function parseDuration(text: string): CelDuration {
  const bad = () => new CelEvalError(`invalid duration format: ${JSON.stringify(text)}`);
  const m = /^([-+]?)(.*)$/.exec(text);
  const sign = m?.[1] === "-" ? -1n : 1n;
  let rest = m?.[2] ?? "";
  if (rest === "0") return new CelDuration(0n);
  if (rest === "") throw bad();
  let total = 0n;
  while (rest !== "") {
    const part = /^(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/.exec(rest);
    if (!part || (part[1] === "" && (part[2] ?? "") === "")) throw bad();
    const unit = unitNanos[part[3] ?? ""] ?? 0n;
    const frac = part[2] ?? "";
    total += BigInt(part[1] || "0") * unit;
    if (frac !== "") total += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    rest = rest.slice(part[0].length);
  }
  return checkedDuration(sign * total);
}

function fraction(nanos: bigint): string {
  if (nanos === 0n) return "";
  return `.${String(nanos).padStart(9, "0").replace(/0+$/, "")}`;
}

/** `string(duration('1m30s'))` is `90s`, as protobuf's Duration JSON form. */
export function formatDuration(d: CelDuration): string {
  const negative = d.nanos < 0n;
  const abs = negative ? -d.nanos : d.nanos;
  return `${negative ? "-" : ""}${abs / SECOND}${fraction(abs % SECOND)}s`;
}

export function parseTimestamp(text: string): CelTimestamp {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/.exec(
    text,
  );
  if (!m) throw new CelEvalError(`invalid timestamp: ${JSON.stringify(text)}`);
  const [, y, mo, d, h, mi, s, frac = "", zone = "Z"] = m;
  // setUTCFullYear, unlike Date.UTC, keeps years below 100 as written.
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s));
  let seconds = BigInt(date.getTime() / 1000);
  if (zone.toUpperCase() !== "Z") {
    const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60;
    seconds -= BigInt(zone.startsWith("-") ? -offset : offset);
  }
  return checkedTimestamp(seconds * SECOND + BigInt(frac.padEnd(9, "0") || "0"));
}

/** RFC 3339 in UTC with only the fractional digits needed. */
export function formatTimestamp(t: CelTimestamp): string {
  const { seconds, nanos } = split(t.nanos);
  const iso = new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, "");
  return `${iso}${fraction(nanos)}Z`;
}

function split(nanos: bigint): { seconds: bigint; nanos: bigint } {
  let seconds = nanos / SECOND;
  let rest = nanos % SECOND;
  if (rest < 0n) {
    seconds -= 1n;
    rest += SECOND;
  }
  return { seconds, nanos: rest };
}

/** Offset in seconds of a `UTC`, `+01:00`-style or empty time zone (IANA names are not supported). */
function zoneOffset(zone: string | undefined): number {
  if (zone === undefined || zone === "UTC" || zone === "Z" || zone === "") return 0;
  const m = /^([+-])?(\d{1,2}):(\d{2})$/.exec(zone);
  if (!m) throw new CelEvalError(`unsupported time zone: ${zone}`);
  const offset = (Number(m[2]) * 60 + Number(m[3])) * 60;
  return m[1] === "-" ? -offset : offset;
}

const timestampGetters: Record<string, (d: Date, nanos: bigint) => number> = {
  getFullYear: (d) => d.getUTCFullYear(),
  getMonth: (d) => d.getUTCMonth(),
  getDate: (d) => d.getUTCDate(),
  getDayOfMonth: (d) => d.getUTCDate() - 1,
  getDayOfWeek: (d) => d.getUTCDay(),
  getDayOfYear: (d) => Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000),
  getHours: (d) => d.getUTCHours(),
  getMinutes: (d) => d.getUTCMinutes(),
  getSeconds: (d) => d.getUTCSeconds(),
  getMilliseconds: (_d, nanos) => Number(nanos / 1_000_000n),
};

export const timeAccessors = Object.keys(timestampGetters);

export function timestampField(t: CelTimestamp, name: string, zone?: string): bigint {
  const getter = timestampGetters[name];
  if (!getter) throw new CelEvalError(`no such overload: ${name}`);
  const { seconds, nanos } = split(t.nanos);
  const date = new Date((Number(seconds) + zoneOffset(zone)) * 1000);
  return BigInt(getter(date, nanos));
}

export function durationField(d: CelDuration, name: string): bigint {
  switch (name) {
    case "getHours":
      return d.nanos / (3600n * SECOND);
    case "getMinutes":
      return d.nanos / (60n * SECOND);
    case "getSeconds":
      return d.nanos / SECOND;
    case "getMilliseconds":
      return (d.nanos % SECOND) / 1_000_000n;
    default:
      throw new CelEvalError(`no such overload: ${name}(google.protobuf.Duration)`);
  }
}
