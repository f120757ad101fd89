// Field selectors as Kubernetes parses them (apimachinery fields.ParseSelector): comma-separated
// `label=value`, `label==value`, `label!=value`, with `\` escaping `,`, `=`, `!` and `\` in values.
import { BadRequestError } from "../errors.ts";

export interface FieldRequirement {
  field: string;
  operator: "=" | "!=";
  value: string;
}

export interface FieldSelector {
  requirements: readonly FieldRequirement[];
  empty: boolean;
  /** `lookup(field)` gives the object's value for a field label (undefined → ""). */
  matches(lookup: (field: string) => string | undefined): boolean;
}

/** Splits on unescaped commas and unescapes the pieces later (escapes stay until then). */
function splitUnescaped(text: string, sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\" && i + 1 < text.length) {
      cur += c + text[i + 1];
      i++;
    } else if (c === sep) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

function unescapeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === "\\") {
      const next = value[i + 1];
      if (next === undefined || !"\\,=!".includes(next)) {
        throw new BadRequestError(`invalid field selector: invalid escape sequence: \\${next ?? ""}`);
      }
      out += next;
      i++;
    } else if (c === "," || c === "=" || c === "!") {
      throw new BadRequestError(`invalid field selector: unescaped ${c} in value`);
    } else out += c;
  }
  return out;
}

function parseOne(part: string): FieldRequirement {
  // The operator is the first unescaped `!=`, `==` or `=`.
  for (let i = 0; i < part.length; i++) {
    const c = part[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "!" && part[i + 1] === "=") {
      return { field: part.slice(0, i).trim(), operator: "!=", value: unescapeValue(part.slice(i + 2)) };
    }
    if (c === "=") {
      const skip = part[i + 1] === "=" ? 2 : 1;
      return { field: part.slice(0, i).trim(), operator: "=", value: unescapeValue(part.slice(i + skip)) };
    }
  }
  throw new BadRequestError(`invalid selector: '${part}'; can't understand '${part}'`);
}

/** Parses the `fieldSelector` query parameter. */
export function parseFieldSelector(text: string | undefined | null): FieldSelector {
  const trimmed = (text ?? "").trim();
  const requirements = trimmed === "" ? [] : splitUnescaped(trimmed, ",").map(parseOne);
  return {
    requirements,
    empty: requirements.length === 0,
    matches: (lookup) =>
      requirements.every((r) => {
        const v = lookup(r.field) ?? "";
        return r.operator === "=" ? v === r.value : v !== r.value;
      }),
  };
}

/** Throws 400 like Kubernetes when a selector names a field label the resource does not support. */
export function checkFieldLabels(selector: FieldSelector, supported: ReadonlySet<string>): void {
  for (const r of selector.requirements) {
    if (!supported.has(r.field)) {
      throw new BadRequestError(`field label not supported: ${r.field}`);
    }
  }
}
