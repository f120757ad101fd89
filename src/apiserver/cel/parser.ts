// CEL parser: recursive descent over the CEL grammar (ternary, ||, &&, relations incl. `in`,
// arithmetic, unary, member/index/call chains, list and map literals, optional `.?f`/`[?i]`),
// expanding macros into their own nodes. Nesting is bounded so hostile input cannot overflow the stack.
import type { BinaryOp, Expr, MacroName } from "./ast.ts";
import { CelSyntaxError } from "./errors.ts";
import { reservedWords } from "./keywords.ts";
import { type Token, tokenize } from "./lexer.ts";
import { CelUint } from "./values.ts";

const maxDepth = 100;
const relations = new Set(["<", "<=", ">", ">=", "==", "!=", "in"]);
const macros: Record<string, { macro: MacroName; args: number[] }> = {
  all: { macro: "all", args: [2] },
  exists: { macro: "exists", args: [2] },
  exists_one: { macro: "exists_one", args: [2] },
  map: { macro: "map", args: [2, 3] },
  filter: { macro: "filter", args: [2] },
};

export function parse(source: string): Expr {
  return new Parser(tokenize(source)).parseRoot();
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parseRoot(): Expr {
    const e = this.expr();
    const t = this.peek();
    if (t.kind !== "eof") throw this.mismatch(t);
    return e;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }

  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "op" && t.text === text;
  }

  private expect(text: string): Token {
    const t = this.peek();
    if (t.kind !== "op" || t.text !== text) throw this.mismatch(t, `'${text}'`);
    return this.next();
  }

  private mismatch(t: Token, expecting?: string): CelSyntaxError {
    const shown =
      t.kind === "eof" ? "<EOF>" : t.kind === "string" ? JSON.stringify(t.text) : t.text || t.kind;
    const suffix = expecting ? ` expecting ${expecting}` : "";
    const what = t.kind === "eof" ? "mismatched input" : "extraneous input";
    return new CelSyntaxError(`Syntax error: ${what} '${shown}'${suffix}`, t.pos);
  }

  private nested<T>(pos: number, f: () => T): T {
    if (++this.depth > maxDepth) throw new CelSyntaxError("expression recursion limit exceeded", pos);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private expr(): Expr {
    return this.nested(this.peek().pos, () => {
      const test = this.or();
      if (!this.isOp("?")) return test;
      const pos = this.next().pos;
      const then = this.or();
      this.expect(":");
      const otherwise = this.expr();
      return { type: "cond", test, then, otherwise, pos };
    });
  }

  private or(): Expr {
    let left = this.and();
    while (this.isOp("||")) {
      const pos = this.next().pos;
      left = { type: "logic", op: "||", left, right: this.and(), pos };
    }
    return left;
  }

  private and(): Expr {
    let left = this.relation();
    while (this.isOp("&&")) {
      const pos = this.next().pos;
      left = { type: "logic", op: "&&", left, right: this.relation(), pos };
    }
    return left;
  }

  private relation(): Expr {
    let left = this.addition();
    for (;;) {
      const t = this.peek();
      const isRel = (t.kind === "op" && relations.has(t.text)) || (t.kind === "ident" && t.text === "in");
      if (!isRel) return left;
      this.next();
      left = { type: "binary", op: t.text as BinaryOp, left, right: this.addition(), pos: t.pos };
    }
  }

  private addition(): Expr {
    let left = this.multiplication();
    while (this.isOp("+") || this.isOp("-")) {
      const t = this.next();
      left = { type: "binary", op: t.text as BinaryOp, left, right: this.multiplication(), pos: t.pos };
    }
    return left;
  }

  private multiplication(): Expr {
    let left = this.unary();
    while (this.isOp("*") || this.isOp("/") || this.isOp("%")) {
      const t = this.next();
      left = { type: "binary", op: t.text as BinaryOp, left, right: this.unary(), pos: t.pos };
    }
    return left;
  }

  private unary(): Expr {
    const t = this.peek();
    if (this.isOp("!") || this.isOp("-")) {
      this.next();
      return this.nested(t.pos, () => {
        // -<int literal> is one literal, so the most negative int64 can be written.
        const lit = this.peek();
        if (t.text === "-" && (lit.kind === "int" || lit.kind === "double") && !this.isMemberAfterLiteral()) {
          this.next();
          if (lit.kind === "double") return { type: "literal", value: -(lit.double ?? 0), pos: t.pos };
          const value = -(lit.int ?? 0n);
          if (value < -(1n << 63n)) throw new CelSyntaxError("invalid int literal", lit.pos);
          return { type: "literal", value, pos: t.pos };
        }
        const operand = this.unary();
        return { type: "unary", op: t.text as "!" | "-", operand, pos: t.pos };
      });
    }
    return this.member();
  }

  /** `-1.foo()` negates the call's result, not the literal. */
  private isMemberAfterLiteral(): boolean {
    return this.isOp(".", 1) || this.isOp("[", 1);
  }

  private member(): Expr {
    let e = this.primary();
    for (;;) {
      const t = this.peek();
      if (this.isOp(".")) {
        this.next();
        const optional = this.isOp("?");
        if (optional) this.next();
        const name = this.identifier();
        if (!optional && this.isOp("(")) {
          this.next();
          const args = this.args(")");
          e = this.call(name.text, e, args, name.pos);
        } else {
          e = { type: "select", operand: e, field: name.text, optional, pos: t.pos };
        }
      } else if (this.isOp("[")) {
        this.next();
        const optional = this.isOp("?");
        if (optional) this.next();
        const index = this.expr();
        this.expect("]");
        e = { type: "index", operand: e, index, optional, pos: t.pos };
      } else {
        return e;
      }
    }
  }

  /** Field and method names may be reserved words (`request.namespace`); plain identifiers may not. */
  private identifier(plain = false): Token {
    const t = this.peek();
    if (t.kind !== "ident") throw this.mismatch(t, "IDENTIFIER");
    if (plain && reservedWords.has(t.text)) throw new CelSyntaxError(`reserved identifier: ${t.text}`, t.pos);
    return this.next();
  }

  private args(close: string): Expr[] {
    const args: Expr[] = [];
    while (!this.isOp(close)) {
      args.push(this.expr());
      if (!this.isOp(",")) break;
      this.next();
    }
    this.expect(close);
    return args;
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case "int":
        this.next();
        return { type: "literal", value: t.int ?? 0n, pos: t.pos };
      case "uint":
        this.next();
        return { type: "literal", value: new CelUint(t.int ?? 0n), pos: t.pos };
      case "double":
        this.next();
        return { type: "literal", value: t.double ?? 0, pos: t.pos };
      case "string":
        this.next();
        return { type: "literal", value: t.text, pos: t.pos };
      case "bytes":
        this.next();
        return { type: "literal", value: t.bytes ?? new Uint8Array(), pos: t.pos };
      case "ident":
        return this.identOrCall();
      case "eof":
        throw this.mismatch(t);
      case "op":
        break;
    }
    if (this.isOp("(")) {
      this.next();
      const e = this.expr();
      this.expect(")");
      return e;
    }
    if (this.isOp("[")) return this.listLiteral();
    if (this.isOp("{")) return this.mapLiteral();
    if (this.isOp(".")) {
      // A leading dot names the root scope: `.object` is `object`.
      this.next();
      return this.identOrCall();
    }
    throw this.mismatch(t);
  }

  private identOrCall(): Expr {
    const t = this.peek();
    if (t.text === "true" || t.text === "false") {
      this.next();
      return { type: "literal", value: t.text === "true", pos: t.pos };
    }
    if (t.text === "null") {
      this.next();
      return { type: "literal", value: null, pos: t.pos };
    }
    const name = this.identifier(true);
    if (this.isOp("(")) {
      this.next();
      return this.call(name.text, undefined, this.args(")"), name.pos);
    }
    return { type: "ident", name: name.text, pos: name.pos };
  }

  private listLiteral(): Expr {
    const pos = this.expect("[").pos;
    const elements: Expr[] = [];
    const optional: boolean[] = [];
    while (!this.isOp("]")) {
      const opt = this.isOp("?");
      if (opt) this.next();
      elements.push(this.expr());
      optional.push(opt);
      if (!this.isOp(",")) break;
      this.next();
    }
    this.expect("]");
    return { type: "list", elements, optional, pos };
  }

  private mapLiteral(): Expr {
    const pos = this.expect("{").pos;
    const entries: { key: Expr; value: Expr; optional: boolean }[] = [];
    while (!this.isOp("}")) {
      const optional = this.isOp("?");
      if (optional) this.next();
      const key = this.expr();
      this.expect(":");
      entries.push({ key, value: this.expr(), optional });
      if (!this.isOp(",")) break;
      this.next();
    }
    this.expect("}");
    return { type: "map", entries, pos };
  }

  /** Function calls, with macro expansion for has(), the comprehension macros and cel.bind(). */
  private call(fn: string, target: Expr | undefined, args: Expr[], pos: number): Expr {
    if (fn === "has" && !target && args.length === 1) {
      const arg = args[0] as Expr;
      if (arg.type !== "select" || arg.optional)
        throw new CelSyntaxError("invalid argument to has() macro", arg.pos);
      return { type: "has", operand: arg.operand, field: arg.field, pos };
    }
    const macro = macros[fn];
    if (macro && target && macro.args.includes(args.length)) {
      const iter = args[0] as Expr;
      if (iter.type !== "ident") throw new CelSyntaxError("argument must be a simple name", iter.pos);
      const body = args[1] as Expr;
      return {
        type: "macro",
        macro: macro.macro,
        range: target,
        iterVar: iter.name,
        body,
        ...(args[2] ? { transform: args[2] } : {}),
        pos,
      };
    }
    if (fn === "bind" && target?.type === "ident" && target.name === "cel" && args.length === 3) {
      const name = args[0] as Expr;
      if (name.type !== "ident")
        throw new CelSyntaxError("cel.bind() variable names must be simple identifiers", name.pos);
      return { type: "bind", name: name.name, init: args[1] as Expr, body: args[2] as Expr, pos };
    }
    return { type: "call", fn, target, args, pos };
  }
}
