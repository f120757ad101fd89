// Label selectors as Kubernetes parses them (apimachinery labels.Parse): equality-based
// (`=`, `==`, `!=`) and set-based (`in`, `notin`, `key`, `!key`, plus `>`/`<` on integers).
import { BadRequestError } from "../errors.ts";

export type LabelOperator = "=" | "!=" | "in" | "notin" | "exists" | "!" | ">" | "<";

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export interface LabelSelector {
  requirements: readonly LabelRequirement[];
  matches(labels: Readonly<Record<string, string>> | undefined): boolean;
  /** True when the selector selects everything. */
  empty: boolean;
}

const keyPattern =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const valuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function fail(why: string): never {
  throw new BadRequestError(`unable to parse requirement: ${why}`);
}

function checkKey(key: string): void {
  const name = key.includes("/") ? key.slice(key.indexOf("/") + 1) : key;
  if (!keyPattern.test(key) || name.length > 63 || key.length > 316) {
    fail(
      `<nil>: Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(value: string): void {
  if (value.length > 63 || !valuePattern.test(value)) {
    fail(
      `values[0][${value}]: Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

/** Splits on commas that are not inside parentheses. */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function parseRequirement(raw: string): LabelRequirement {
  const s = raw.trim();
  if (s === "") fail(`found '', expected: identifier`);
  if (s.startsWith("!")) {
    const key = s.slice(1).trim();
    checkKey(key);
    return { key, operator: "!", values: [] };
  }
  const set = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(s);
  if (set) {
    const key = set[1] ?? "";
    checkKey(key);
    const values = (set[3] ?? "").split(",").map((v) => v.trim());
    if (set[2] === "in" && values.length === 1 && values[0] === "") {
      fail(`for 'in', 'notin' operators, values set can't be empty`);
    }
    for (const v of values) checkValue(v);
    return { key, operator: set[2] === "in" ? "in" : "notin", values };
  }
  const eq = /^([^=!<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/.exec(s);
  if (eq) {
    const key = eq[1] ?? "";
    const value = (eq[3] ?? "").trim();
    checkKey(key);
    const op = eq[2] === "==" ? "=" : (eq[2] as LabelOperator);
    if (op === ">" || op === "<") {
      if (!/^-?\d+$/.test(value)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
    } else {
      checkValue(value);
    }
    return { key, operator: op, values: [value] };
  }
  if (/\s/.test(s)) fail(`found '${s.split(/\s+/)[1] ?? ""}', expected: in, notin, =, ==, !=, gt, lt`);
  checkKey(s);
  return { key: s, operator: "exists", values: [] };
}

function matchOne(r: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.hasOwn(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case "=":
      return has && value === r.values[0];
    case "!=":
      return !has || value !== r.values[0];
    case "in":
      return has && r.values.includes(value ?? "");
    case "notin":
      return !has || !r.values.includes(value ?? "");
    case "exists":
      return has;
    case "!":
      return !has;
    case ">":
    case "<": {
      if (!has || !/^-?\d+$/.test(value ?? "")) return false;
      const a = Number(value);
      const b = Number(r.values[0]);
      return r.operator === ">" ? a > b : a < b;
    }
  }
}

export function selectorFromRequirements(requirements: LabelRequirement[]): LabelSelector {
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (labels) => requirements.every((r) => matchOne(r, labels ?? {})),
  };
}

/** Parses the `labelSelector` query parameter; throws BadRequestError like Kubernetes. */
export function parseLabelSelector(text: string | undefined | null): LabelSelector {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return selectorFromRequirements([]);
  return selectorFromRequirements(splitTop(trimmed).map((part) => parseRequirement(part)));
}

/** metav1.LabelSelector (matchLabels + matchExpressions) as the query-string form. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function labelSelectorToString(sel: LabelSelectorObject | undefined): string {
  if (!sel) return "";
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(",");
    if (e.operator === "In") parts.push(`${e.key} in (${values})`);
    else if (e.operator === "NotIn") parts.push(`${e.key} notin (${values})`);
    else if (e.operator === "Exists") parts.push(e.key);
    else if (e.operator === "DoesNotExist") parts.push(`!${e.key}`);
  }
  return parts.sort().join(",");
}
