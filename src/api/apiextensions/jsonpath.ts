// The JSONPath subset CRD additionalPrinterColumns use (kubectl's template syntax without braces):
// `.spec.replicas`, `.a[0].b`, `.a[*].b`, `.status.conditions[?(@.type=="Ready")].status`,
// and keys with dots as `.metadata.labels.app\.kubernetes\.io/name` or `['a.b']`.
import { isPlainObject } from "../object.ts";

type Step =
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "all" }
  | { kind: "filter"; path: string[]; op: "==" | "!="; value: unknown };

export class JsonPathError extends Error {}

function parseLiteral(text: string): unknown {
  const t = text.trim();
  if (/^(["']).*\1$/.test(t)) return t.slice(1, -1);
  if (t === "true" || t === "false") return t === "true";
  const n = Number(t);
  if (t !== "" && !Number.isNaN(n)) return n;
  throw new JsonPathError(`unrecognized literal ${t}`);
}

/** Parses a path; throws JsonPathError for syntax kubectl would also refuse. */
export function parseJsonPath(expr: string): Step[] {
  let text = expr.trim();
  if (text.startsWith("{") && text.endsWith("}")) text = text.slice(1, -1);
  if (text.startsWith("$")) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ".") {
      i++;
      let name = "";
      while (i < text.length && text[i] !== "." && text[i] !== "[") {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        name += text[i];
        i++;
      }
      if (name === "*") steps.push({ kind: "all" });
      else if (name !== "") steps.push({ kind: "field", name });
    } else if (c === "[") {
      const end = text.indexOf("]", i);
      if (end < 0) throw new JsonPathError(`unterminated [ in ${expr}`);
      const inner = text.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") steps.push({ kind: "all" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^(["']).*\1$/.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else {
        const m = /^\?\(@((?:\.[^.=!\s]+)+)\s*(==|!=)\s*(.+)\)$/.exec(inner);
        if (!m?.[1] || !m[2] || m[3] === undefined)
          throw new JsonPathError(`unsupported expression [${inner}]`);
        steps.push({
          kind: "filter",
          path: m[1].slice(1).split("."),
          op: m[2] as "==" | "!=",
          value: parseLiteral(m[3]),
        });
      }
    } else {
      throw new JsonPathError(`unexpected ${JSON.stringify(c)} in ${expr}`);
    }
  }
  return steps;
}

function at(value: unknown, path: readonly string[]): unknown {
  let cur = value;
  for (const p of path) cur = isPlainObject(cur) ? cur[p] : undefined;
  return cur;
}

/** All values the path selects (empty when nothing matches). */
export function evaluateJsonPath(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === "field") {
        if (isPlainObject(v) && v[step.name] !== undefined) next.push(v[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(v)) {
          const item = v[step.index < 0 ? v.length + step.index : step.index];
          if (item !== undefined) next.push(item);
        }
      } else if (step.kind === "all") {
        if (Array.isArray(v)) next.push(...v);
        else if (isPlainObject(v)) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v) {
          const equal = at(item, step.path) === step.value;
          if (equal === (step.op === "==")) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
