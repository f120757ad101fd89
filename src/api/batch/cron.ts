// Standard cron schedule syntax as CronJob validation accepts it (robfig/cron's standard parser):
// five fields or a descriptor (@hourly, @every 1h30m…); errors read like robfig's.

export interface CronSchedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** True when day-of-month or day-of-week is `*`/`?` (then the other one alone decides). */
  domStar: boolean;
  dowStar: boolean;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const fieldBounds: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: Object.fromEntries(months.map((m, i) => [m, i + 1])) },
  { min: 0, max: 6, names: Object.fromEntries(days.map((d, i) => [d, i])) },
];

const descriptors: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

export class CronSyntaxError extends Error {
  override name = "CronSyntaxError";
}

function parseInt10(text: string, expr: string): number {
  if (!/^[0-9]+$/.test(text)) {
    if (/^-[0-9]+$/.test(text)) throw new CronSyntaxError(`negative number (${text}) not allowed: ${expr}`);
    throw new CronSyntaxError(
      `failed to parse int from ${text}: strconv.Atoi: parsing "${text}": invalid syntax`,
    );
  }
  return Number.parseInt(text, 10);
}

function parseValue(text: string, b: Bounds, expr: string): number {
  const named = b.names?.[text.toLowerCase()];
  return named ?? parseInt10(text, expr);
}

function parseField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const expr of field.split(",")) {
    const slash = expr.split("/");
    if (slash.length > 2) throw new CronSyntaxError(`too many slashes: ${expr}`);
    const range = (slash[0] ?? "").split("-");
    if (range.length > 2) throw new CronSyntaxError(`too many hyphens: ${expr}`);
    let start: number;
    let end: number;
    const isStar = range[0] === "*" || range[0] === "?";
    if (isStar) {
      start = b.min;
      end = b.max;
      if (slash.length === 1) star = true;
    } else {
      start = parseValue(range[0] ?? "", b, expr);
      end = range.length === 2 ? parseValue(range[1] ?? "", b, expr) : start;
    }
    let step = 1;
    if (slash.length === 2) {
      step = parseInt10(slash[1] ?? "", expr);
      if (step === 0) throw new CronSyntaxError(`step of range should be a positive number: ${expr}`);
      // `N/step` means N through the maximum.
      if (!isStar && range.length === 1) end = b.max;
    }
    if (start < b.min)
      throw new CronSyntaxError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
    if (end > b.max) throw new CronSyntaxError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
    if (start > end)
      throw new CronSyntaxError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/** Parses a CronJob schedule; throws CronSyntaxError with robfig/cron's wording. */
export function parseCronSchedule(spec: string): CronSchedule | { everySeconds: number } {
  const text = spec.trim();
  if (text === "") throw new CronSyntaxError("empty spec string");
  if (text.startsWith("@every ")) {
    const seconds = parseGoDuration(text.slice(7).trim());
    if (seconds === undefined)
      throw new CronSyntaxError(`failed to parse duration ${text}: invalid duration`);
    return { everySeconds: seconds };
  }
  const expanded = text.startsWith("@") ? descriptors[text.toLowerCase()] : text;
  if (expanded === undefined) throw new CronSyntaxError(`unrecognized descriptor: ${text}`);
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) {
    throw new CronSyntaxError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`);
  }
  const parsed = fields.map((f, i) => parseField(f, fieldBounds[i] as Bounds));
  const [mi, h, dom, mo, dow] = parsed as [
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
  ];
  return {
    minutes: mi.values,
    hours: h.values,
    daysOfMonth: dom.values,
    months: mo.values,
    daysOfWeek: dow.values,
    domStar: dom.star,
    dowStar: dow.star,
  };
}

/** Go's time.ParseDuration for h/m/s/ms units, in seconds; undefined when invalid. */
function parseGoDuration(text: string): number | undefined {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  const re = /([0-9]+(?:\.[0-9]+)?)(ms|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    total += Number(m[1]) * (unit[m[2] ?? "s"] ?? 0);
    consumed += m[0].length;
  }
  return consumed === text.length && consumed > 0 ? total : undefined;
}
