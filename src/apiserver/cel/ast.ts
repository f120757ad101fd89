// The CEL syntax tree. Every node keeps its source offset for error positions; macros
// (has, all, exists, exists_one, map, filter, cel.bind) are their own nodes, expanded by the parser.
import type { CelValue } from "./values.ts";

export type MacroName = "all" | "exists" | "exists_one" | "map" | "filter";

export type Expr =
  | { type: "literal"; value: CelValue; pos: number }
  | { type: "ident"; name: string; pos: number }
  | { type: "select"; operand: Expr; field: string; optional: boolean; pos: number }
  | { type: "has"; operand: Expr; field: string; pos: number }
  | { type: "call"; fn: string; target: Expr | undefined; args: Expr[]; pos: number }
  | { type: "index"; operand: Expr; index: Expr; optional: boolean; pos: number }
  | { type: "list"; elements: Expr[]; optional: boolean[]; pos: number }
  | { type: "map"; entries: { key: Expr; value: Expr; optional: boolean }[]; pos: number }
  | { type: "cond"; test: Expr; then: Expr; otherwise: Expr; pos: number }
  | { type: "logic"; op: "&&" | "||"; left: Expr; right: Expr; pos: number }
  | { type: "unary"; op: "!" | "-"; operand: Expr; pos: number }
  | { type: "binary"; op: BinaryOp; left: Expr; right: Expr; pos: number }
  | {
      type: "macro";
      macro: MacroName;
      range: Expr;
      iterVar: string;
      /** filter/exists predicate, or the map transform when there is no filter. */
      body: Expr;
      /** map(x, predicate, transform): the transform. */
      transform?: Expr;
      pos: number;
    }
  | { type: "bind"; name: string; init: Expr; body: Expr; pos: number };

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in";

/** Calls every child node (for checks that walk the whole tree). */
export function children(e: Expr): Expr[] {
  switch (e.type) {
    case "literal":
    case "ident":
      return [];
    case "select":
    case "has":
    case "unary":
      return [e.operand];
    case "call":
      return e.target ? [e.target, ...e.args] : e.args;
    case "index":
      return [e.operand, e.index];
    case "list":
      return e.elements;
    case "map":
      return e.entries.flatMap((x) => [x.key, x.value]);
    case "cond":
      return [e.test, e.then, e.otherwise];
    case "logic":
    case "binary":
      return [e.left, e.right];
    case "macro":
      return e.transform ? [e.range, e.body, e.transform] : [e.range, e.body];
    case "bind":
      return [e.init, e.body];
  }
}
