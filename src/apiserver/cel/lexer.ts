// CEL lexer: turns expression text into tokens (numbers, strings incl. raw/triple-quoted and
// bytes, identifiers, operators) with their offsets, so every later error can point at a column.
import { CelSyntaxError } from "./errors.ts";

export type TokenKind = "int" | "uint" | "double" | "string" | "bytes" | "ident" | "op" | "eof";

export interface Token {
  kind: TokenKind;
  /** The source text (operators, identifiers) or the decoded value text. */
  text: string;
  /** int/uint literal value. */
  int?: bigint;
  /** double literal value. */
  double?: number;
  /** bytes literal value. */
  bytes?: Uint8Array;
  pos: number;
}

const operators = ["&&", "||", "==", "!=", "<=", ">=", ..."+-*/%<>!?:.,[]{}()".split("")];

const simpleEscapes: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "`": "`",
  "?": "?",
};

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const isIdentStart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z_]/.test(c);
const isIdentPart = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c);

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] ?? "";
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
      continue;
    }
    const start = i;
    const prefix = /^(?:[rR][bB]?|[bB][rR]?)(?=['"])/.exec(source.slice(i, i + 3))?.[0];
    if (prefix !== undefined || c === '"' || c === "'") {
      const lit = readString(source, i + (prefix?.length ?? 0), prefix ?? "");
      tokens.push(lit.token(start));
      i = lit.end;
      continue;
    }
    if (isDigit(c) || (c === "." && isDigit(source[i + 1]))) {
      const num = readNumber(source, i);
      tokens.push(num.token);
      i = num.end;
      continue;
    }
    if (isIdentStart(c)) {
      while (isIdentPart(source[i])) i++;
      tokens.push({ kind: "ident", text: source.slice(start, i), pos: start });
      continue;
    }
    const op = operators.find((o) => source.startsWith(o, i));
    if (!op) throw new CelSyntaxError(`Syntax error: token recognition error at: '${c}'`, start);
    tokens.push({ kind: "op", text: op, pos: start });
    i += op.length;
  }
  tokens.push({ kind: "eof", text: "<EOF>", pos: source.length });
  return tokens;
}

function readNumber(source: string, i: number): { token: Token; end: number } {
  const start = i;
  const hex = /^0[xX][0-9a-fA-F]+/.exec(source.slice(i));
  if (hex) {
    i += hex[0].length;
    const unsigned = source[i] === "u" || source[i] === "U";
    if (unsigned) i++;
    return { token: intToken(start, BigInt(hex[0]), unsigned), end: i };
  }
  const m = /^(\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(source.slice(i));
  const text = m?.[0] ?? "";
  i += text.length;
  if (m?.[2] !== undefined || m?.[3] !== undefined) {
    return { token: { kind: "double", text, double: Number(text), pos: start }, end: i };
  }
  const unsigned = source[i] === "u" || source[i] === "U";
  if (unsigned) i++;
  return { token: intToken(start, BigInt(text), unsigned), end: i };
}

function intToken(pos: number, value: bigint, unsigned: boolean): Token {
  const limit = unsigned ? 1n << 64n : 1n << 63n;
  // -9223372036854775808 is lexed as minus and 9223372036854775808: the parser folds the sign.
  if (value > limit || (unsigned && value === limit))
    throw new CelSyntaxError(`invalid ${unsigned ? "uint" : "int"} literal`, pos);
  return { kind: unsigned ? "uint" : "int", text: String(value), int: value, pos };
}

function readString(
  source: string,
  i: number,
  prefix: string,
): { token: (start: number) => Token; end: number } {
  const raw = /r/i.test(prefix);
  const bytes = /b/i.test(prefix);
  const quote = source[i] ?? '"';
  const triple = source.startsWith(quote.repeat(3), i);
  const delimiter = triple ? quote.repeat(3) : quote;
  const openAt = i;
  i += delimiter.length;
  const parts: number[] = []; // code points (text) or byte values (\x in bytes)
  const byteEscapes: boolean[] = [];
  for (;;) {
    if (i >= source.length || (!triple && source[i] === "\n"))
      throw new CelSyntaxError("Syntax error: token recognition error at: unterminated string", openAt);
    if (source.startsWith(delimiter, i)) {
      i += delimiter.length;
      break;
    }
    const ch = source[i] ?? "";
    if (ch === "\\" && !raw) {
      const esc = readEscape(source, i, bytes);
      parts.push(esc.value);
      byteEscapes.push(esc.isByte);
      i = esc.end;
      continue;
    }
    const cp = source.codePointAt(i) ?? 0;
    parts.push(cp);
    byteEscapes.push(false);
    i += cp > 0xffff ? 2 : 1;
  }
  const end = i;
  if (bytes) {
    const out: number[] = [];
    parts.forEach((p, k) => {
      if (byteEscapes[k]) out.push(p);
      else out.push(...new TextEncoder().encode(String.fromCodePoint(p)));
    });
    const value = Uint8Array.from(out);
    return { token: (pos) => ({ kind: "bytes", text: "", bytes: value, pos }), end };
  }
  const text = String.fromCodePoint(...parts);
  return { token: (pos) => ({ kind: "string", text, pos }), end };
}

function readEscape(
  source: string,
  i: number,
  bytes: boolean,
): { value: number; isByte: boolean; end: number } {
  const c = source[i + 1] ?? "";
  const simple = simpleEscapes[c];
  if (simple !== undefined) return { value: simple.charCodeAt(0), isByte: false, end: i + 2 };
  const fixed = (len: number, radix: number, re: RegExp) => {
    const digits = source.slice(i + 2, i + 2 + len);
    if (digits.length !== len || !re.test(digits))
      throw new CelSyntaxError("Syntax error: invalid escape sequence", i);
    return Number.parseInt(digits, radix);
  };
  if (c === "x" || c === "X") return { value: fixed(2, 16, /^[0-9a-fA-F]+$/), isByte: bytes, end: i + 4 };
  if (c === "u" && !bytes)
    return { value: checkCodePoint(fixed(4, 16, /^[0-9a-fA-F]+$/), i), isByte: false, end: i + 6 };
  if (c === "U" && !bytes)
    return { value: checkCodePoint(fixed(8, 16, /^[0-9a-fA-F]+$/), i), isByte: false, end: i + 10 };
  if (c >= "0" && c <= "3") {
    const digits = source.slice(i + 1, i + 4);
    if (!/^[0-3][0-7]{2}$/.test(digits)) throw new CelSyntaxError("Syntax error: invalid escape sequence", i);
    return { value: Number.parseInt(digits, 8), isByte: bytes, end: i + 4 };
  }
  throw new CelSyntaxError("Syntax error: invalid escape sequence", i);
}

function checkCodePoint(cp: number, pos: number): number {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
    throw new CelSyntaxError("Syntax error: invalid unicode code point", pos);
  return cp;
}
