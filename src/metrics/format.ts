// Pieces of the Prometheus text exposition format 0.0.4: escaping of HELP text and label values,
// sample values (+Inf, -Inf, NaN) and the `{name="value",…}` label sets.

export const contentType = "text/plain; version=0.0.4; charset=utf-8";

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function validMetricName(name: string): boolean {
  return metricName.test(name);
}

/** Label names starting with `__` are reserved for Prometheus itself. */
export function validLabelName(name: string): boolean {
  return labelName.test(name) && !name.startsWith("__");
}

/** HELP text escapes backslash and line feed. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Label values additionally escape the double quote. */
export function escapeLabelValue(value: string): string {
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  return String(v);
}

/** `name="value",…` without braces; names and values in the given order. */
export function labelPairs(names: readonly string[], values: readonly string[]): string {
  let out = "";
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ",";
    out += `${names[i]}="${escapeLabelValue(values[i] ?? "")}"`;
  }
  return out;
}

/** `{pairs}` or "" for no labels. */
export function braces(pairs: string): string {
  return pairs === "" ? "" : `{${pairs}}`;
}
