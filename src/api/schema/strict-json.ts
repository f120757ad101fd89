// A JSON parser that, unlike JSON.parse, keeps every member of every object in document order,
// duplicates included, so strict field validation can report `duplicate field "a.b"` the way
// Kubernetes' decoder (sigs.k8s.io/json) does. The value it returns is what JSON.parse returns.
import type { JsonValue } from "../object.ts";

/** Object members in document order, duplicates included (value of each occurrence). */
export type Members = ReadonlyArray<readonly [string, JsonValue]>;

export interface ParsedJson {
  value: JsonValue;
  /** Members of each parsed object, in document order (a duplicated key appears twice). */
  members: WeakMap<object, Members>;
}

export class JsonSyntaxError extends Error {
  override name = "JsonSyntaxError";
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
  }
}

export function parseJsonStrict(text: string): ParsedJson {
  const members = new WeakMap<object, Members>();
  let i = 0;

  const fail = (what: string): never => {
    throw new JsonSyntaxError(i < text.length ? `${what}: unexpected ${JSON.stringify(text[i])}` : what, i);
  };
  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else return;
    }
  };
  const expect = (literal: string, value: JsonValue): JsonValue => {
    if (!text.startsWith(literal, i)) fail("invalid literal");
    i += literal.length;
    return value;
  };

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    for (;;) {
      const c = text.charCodeAt(i);
      if (Number.isNaN(c)) fail("unterminated string");
      if (c === 0x22) break;
      if (c < 0x20) fail("control character in string");
      i += c === 0x5c ? 2 : 1;
    }
    i++;
    // The escapes are validated and decoded by JSON.parse on the exact token.
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail("invalid string escape");
    }
  };

  const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseNumber = (): number => {
    numberPattern.lastIndex = i;
    const m = numberPattern.exec(text);
    if (!m || m[0] === "-") return fail("invalid number");
    i += m[0].length;
    return Number(m[0]);
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > 10000) fail("nesting too deep");
    skipSpace();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: Record<string, JsonValue> = {};
      const list: [string, JsonValue][] = [];
      skipSpace();
      if (text[i] === "}") i++;
      else {
        for (;;) {
          skipSpace();
          if (text[i] !== '"') fail("expected object key");
          const key = parseString();
          skipSpace();
          if (text[i] !== ":") fail("expected ':'");
          i++;
          const v = parseValue(depth + 1);
          // defineProperty: a "__proto__" key must become a plain member, as with JSON.parse.
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
          list.push([key, v]);
          skipSpace();
          if (text[i] === ",") i++;
          else if (text[i] === "}") {
            i++;
            break;
          } else fail("expected ',' or '}'");
        }
      }
      members.set(obj, list);
      return obj;
    }
    if (c === "[") {
      i++;
      const arr: JsonValue[] = [];
      skipSpace();
      if (text[i] === "]") i++;
      else {
        for (;;) {
          arr.push(parseValue(depth + 1));
          skipSpace();
          if (text[i] === ",") i++;
          else if (text[i] === "]") {
            i++;
            break;
          } else fail("expected ',' or ']'");
        }
      }
      return arr;
    }
    if (c === '"') return parseString();
    if (c === "t") return expect("true", true);
    if (c === "f") return expect("false", false);
    if (c === "n") return expect("null", null);
    return parseNumber();
  };

  const value = parseValue(0);
  skipSpace();
  if (i < text.length) fail("unexpected data after the top-level value");
  return { value, members };
}
