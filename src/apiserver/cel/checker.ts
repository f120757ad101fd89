// Checker-light: without a type system, compile time still refuses what cel-go's checker would
// refuse on names alone — undeclared variables, unknown functions, wrong argument counts — and
// trees nested too deeply for the evaluator's recursion.
import { children, type Expr } from "./ast.ts";
import { CelSyntaxError } from "./errors.ts";
import type { FunctionTable } from "./functions.ts";
import { typeValues } from "./stdlib.ts";

const maxDepth = 250;

export interface CheckOptions {
  variables: ReadonlySet<string>;
  functions: FunctionTable;
}

/** Depth first, iteratively, so a long `a.b.c…` chain cannot overflow the stack here. */
function checkDepth(root: Expr): void {
  const stack: [Expr, number][] = [[root, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [e, depth] = item;
    if (depth > maxDepth) throw new CelSyntaxError("expression recursion limit exceeded", e.pos);
    for (const c of children(e)) stack.push([c, depth + 1]);
  }
}

export function check(root: Expr, options: CheckOptions): void {
  checkDepth(root);
  const visit = (e: Expr, locals: ReadonlySet<string>): void => {
    switch (e.type) {
      case "ident":
        if (!locals.has(e.name) && !options.variables.has(e.name) && !typeValues.has(e.name))
          throw new CelSyntaxError(`undeclared reference to '${e.name}' (in container '')`, e.pos);
        return;
      case "macro": {
        visit(e.range, locals);
        const inner = new Set(locals).add(e.iterVar);
        visit(e.body, inner);
        if (e.transform) visit(e.transform, inner);
        return;
      }
      case "bind":
        visit(e.init, locals);
        visit(e.body, new Set(locals).add(e.name));
        return;
      case "call":
        checkCall(e, locals, options);
        for (const a of e.args) visit(a, locals);
        if (e.target && !isPackageCall(e, locals, options)) visit(e.target, locals);
        return;
      default:
        for (const c of children(e)) visit(c, locals);
    }
  };
  visit(root, new Set());
}

function isPackageCall(
  e: Extract<Expr, { type: "call" }>,
  locals: ReadonlySet<string>,
  options: CheckOptions,
): boolean {
  return (
    e.target?.type === "ident" &&
    !locals.has(e.target.name) &&
    !options.variables.has(e.target.name) &&
    options.functions.has(`${e.target.name}.${e.fn}`)
  );
}

function checkCall(
  e: Extract<Expr, { type: "call" }>,
  locals: ReadonlySet<string>,
  options: CheckOptions,
): void {
  const qualified =
    isPackageCall(e, locals, options) && e.target?.type === "ident" ? `${e.target.name}.${e.fn}` : undefined;
  const name = qualified ?? e.fn;
  const def = options.functions.get(name);
  const form = qualified || !e.target ? def?.global : def?.member;
  if (!def || !form) throw new CelSyntaxError(`undeclared reference to '${name}' (in container '')`, e.pos);
  if (!form.arities.includes(e.args.length))
    throw new CelSyntaxError(
      `found no matching overload for '${name}' applied to ${e.args.length} argument${e.args.length === 1 ? "" : "s"}`,
      e.pos,
    );
}
