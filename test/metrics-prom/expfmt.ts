// A strict parser of the Prometheus text exposition format 0.0.4 for tests: it rejects what
// Prometheus' own parser rejects (bad names, escapes, values, duplicate or late TYPE/HELP, split
// families, duplicate series) and checks histogram consistency (monotonic buckets, +Inf = _count).

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedFamily {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: ParsedSample[];
}

export class ExpositionError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const floatText = /^[+-]?(?:Inf|NaN|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)$/;
const types = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

function parseFloatStrict(s: string, line: number): number {
  if (!floatText.test(s)) throw new ExpositionError(line, `invalid value ${JSON.stringify(s)}`);
  if (/^[+-]?Inf$/.test(s)) return s.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[+-]?NaN$/.test(s)) return Number.NaN;
  return Number(s);
}

function unescapeHelp(s: string, line: number): string {
  return s.replace(/\\(.?)/g, (_m, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    throw new ExpositionError(line, `invalid escape \\${c} in HELP`);
  });
}

/** The family a sample name belongs to: histograms own their _bucket/_sum/_count samples. */
function familyOf(name: string, families: Map<string, ParsedFamily>): string {
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (f.type === "histogram" || (f.type === "summary" && suffix !== "_bucket"))) return base;
    }
  }
  return name;
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let s = text.slice(1);
  for (;;) {
    if (s.startsWith("}")) return { labels, rest: s.slice(1) };
    const m = labelName.exec(s);
    if (!m) throw new ExpositionError(line, `invalid label name at ${JSON.stringify(s.slice(0, 20))}`);
    const name = m[0];
    if (Object.hasOwn(labels, name)) throw new ExpositionError(line, `duplicate label ${name}`);
    s = s.slice(name.length);
    if (!s.startsWith('="')) throw new ExpositionError(line, `expected =" after label ${name}`);
    s = s.slice(2);
    let value = "";
    for (;;) {
      const c = s[0];
      if (c === undefined) throw new ExpositionError(line, `unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === "\\") {
        const e = s[1];
        if (e === "\\" || e === '"') value += e;
        else if (e === "n") value += "\n";
        else throw new ExpositionError(line, `invalid escape \\${e ?? ""} in label ${name}`);
        s = s.slice(2);
      } else {
        value += c;
        s = s.slice(1);
      }
    }
    labels[name] = value;
    s = s.slice(1);
    if (s.startsWith(",")) s = s.slice(1);
    else if (!s.startsWith("}")) throw new ExpositionError(line, `expected , or } after label ${name}`);
  }
}

/** Parses exposition text; throws ExpositionError on the first violation. */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new ExpositionError(0, "text must end with a line feed");
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, line: number): ParsedFamily => {
    if (current !== name) {
      if (closed.has(name)) throw new ExpositionError(line, `family ${name} appears in two places`);
      if (current !== undefined) closed.add(current);
      current = name;
    }
    let f = families.get(name);
    if (!f) {
      f = { name, type: "untyped", samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split("\n");
  lines.pop();
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(raw);
      if (!m) return; // A plain comment.
      const [, kind, name = "", arg = ""] = m;
      if (!metricName.test(name) || metricName.exec(name)?.[0] !== name)
        throw new ExpositionError(n, `invalid metric name ${name}`);
      const f = enter(name, n);
      if (kind === "HELP") {
        if (f.help !== undefined) throw new ExpositionError(n, `second HELP for ${name}`);
        f.help = unescapeHelp(arg, n);
      } else {
        if (!types.has(arg)) throw new ExpositionError(n, `invalid type ${JSON.stringify(arg)}`);
        if (f.samples.length > 0) throw new ExpositionError(n, `TYPE for ${name} after its samples`);
        if (seen.has(`type:${name}`)) throw new ExpositionError(n, `second TYPE for ${name}`);
        seen.add(`type:${name}`);
        f.type = arg as ParsedFamily["type"];
      }
      return;
    }
    const nm = metricName.exec(raw);
    if (!nm) throw new ExpositionError(n, `invalid sample line ${JSON.stringify(raw.slice(0, 40))}`);
    const name = nm[0];
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, n));
    const parts = rest.split(" ");
    if (parts[0] !== "" || parts.length < 2 || parts.length > 3)
      throw new ExpositionError(n, `expected " value [timestamp]" after ${name}`);
    const value = parseFloatStrict(parts[1] ?? "", n);
    if (parts.length === 3 && !/^-?\d+$/.test(parts[2] ?? ""))
      throw new ExpositionError(n, `invalid timestamp ${parts[2]}`);
    const f = enter(familyOf(name, families), n);
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(id)) throw new ExpositionError(n, `duplicate series ${id}`);
    seen.add(id);
    if (f.type === "histogram" && name.endsWith("_bucket") && labels.le === undefined)
      throw new ExpositionError(n, `${name} without le`);
    if (f.type === "counter" && value < 0) throw new ExpositionError(n, `negative counter ${name}`);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

/** Buckets cumulative and monotonic per series, +Inf present and equal to _count, _sum present. */
function checkHistogram(f: ParsedFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const e = series.get(key) ?? { buckets: [] };
    series.set(key, e);
    if (s.name === `${f.name}_bucket`) e.buckets.push([parseFloatStrict(le ?? "", 0), s.value]);
    else if (s.name === `${f.name}_count`) e.count = s.value;
    else if (s.name === `${f.name}_sum`) e.sum = s.value;
    else throw new ExpositionError(0, `histogram ${f.name} has sample ${s.name}`);
  }
  for (const [key, e] of series) {
    const sorted = [...e.buckets].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) {
      if ((sorted[i]?.[1] ?? 0) < (sorted[i - 1]?.[1] ?? 0))
        throw new ExpositionError(0, `${f.name}${key}: bucket counts decrease`);
    }
    const inf = sorted.at(-1);
    if (!inf || inf[0] !== Number.POSITIVE_INFINITY)
      throw new ExpositionError(0, `${f.name}${key}: no +Inf bucket`);
    if (e.count !== inf[1])
      throw new ExpositionError(0, `${f.name}${key}: _count ${e.count} != +Inf bucket ${inf[1]}`);
    if (e.sum === undefined) throw new ExpositionError(0, `${f.name}${key}: no _sum`);
  }
}

/** Samples of a family whose labels include every given pair. */
export function samplesOf(
  families: Map<string, ParsedFamily>,
  family: string,
  match: Record<string, string> = {},
  sampleName = family,
): ParsedSample[] {
  const f = families.get(family);
  if (!f) return [];
  return f.samples.filter(
    (s) => s.name === sampleName && Object.entries(match).every(([k, v]) => s.labels[k] === v),
  );
}

/** Sum of the matching samples' values. */
export function sumOf(
  families: Map<string, ParsedFamily>,
  family: string,
  match: Record<string, string> = {},
  sampleName = family,
): number {
  return samplesOf(families, family, match, sampleName).reduce((a, s) => a + s.value, 0);
}
