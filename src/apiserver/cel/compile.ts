// The CEL entry point: compile an expression against an environment (declared variables and
// libraries) into a Program, then evaluate it with variable values under a step budget.
import type { Expr } from "./ast.ts";
import { check } from "./checker.ts";
import { CelEvalError, CelSyntaxError, formatIssue } from "./errors.ts";
import { Evaluator, type Resolver } from "./evaluator.ts";
import { extensionLibrary } from "./extlib.ts";
import { type FunctionDef, type FunctionTable, functionTable } from "./functions.ts";
import { optionalLibrary, quantityLibrary } from "./k8slib.ts";
import { parse } from "./parser.ts";
import { standardLibrary } from "./stdlib.ts";
import type { CelValue } from "./values.ts";

/** Kubernetes' per-call limit is 1,000,000 cost units; one unit here is one evaluation step. */
export const defaultCostLimit = 1_000_000;

export interface Environment {
  /** Declared variable names (`self`, `object`, `params`, …). */
  variables: readonly string[];
  /** Libraries beyond the standard, extension, quantity and optional ones (e.g. the authorizer). */
  libraries?: readonly Record<string, FunctionDef>[];
}

/** A compile failure, formatted as cel-go reports it (`ERROR: <input>:1:5: …` with a caret line). */
export class CelCompileError extends Error {
  override name = "CelCompileError";
  constructor(
    readonly source: string,
    readonly pos: number,
    readonly detail: string,
  ) {
    super(formatIssue(source, pos, detail));
  }
}

export interface EvaluateOptions {
  /** Step budget (default defaultCostLimit). */
  costLimit?: number;
}

export interface Program {
  readonly source: string;
  readonly ast: Expr;
  /** Throws CelEvalError (CelCostLimitError past the budget). */
  evaluate(variables: Readonly<Record<string, CelValue>> | Resolver, options?: EvaluateOptions): CelValue;
  /** Like evaluate, also returning the steps spent. */
  evaluateWithCost(
    variables: Readonly<Record<string, CelValue>> | Resolver,
    options?: EvaluateOptions,
  ): { value: CelValue; cost: number };
}

const tables = new WeakMap<readonly Record<string, FunctionDef>[], FunctionTable>();
const baseTable = functionTable(standardLibrary, extensionLibrary, quantityLibrary, optionalLibrary);

function tableFor(libraries: readonly Record<string, FunctionDef>[] | undefined): FunctionTable {
  if (!libraries || libraries.length === 0) return baseTable;
  let table = tables.get(libraries);
  if (!table) {
    table = functionTable(standardLibrary, extensionLibrary, quantityLibrary, optionalLibrary, ...libraries);
    tables.set(libraries, table);
  }
  return table;
}

export function compile(source: string, env: Environment): Program {
  const functions = tableFor(env.libraries);
  let ast: Expr;
  try {
    ast = parse(source);
    check(ast, { variables: new Set(env.variables), functions });
  } catch (err) {
    if (err instanceof CelSyntaxError) throw new CelCompileError(source, err.pos, err.detail);
    throw err;
  }
  const evaluateWithCost: Program["evaluateWithCost"] = (variables, options = {}) => {
    const resolve: Resolver =
      typeof variables === "function"
        ? variables
        : (name) => (Object.hasOwn(variables, name) ? variables[name] : undefined);
    const evaluator = new Evaluator(functions, resolve, { costLimit: options.costLimit ?? defaultCostLimit });
    try {
      return { value: evaluator.evaluate(ast), cost: evaluator.actualCost };
    } catch (err) {
      if (err instanceof CelEvalError) throw err;
      // A runaway recursion (very deep data, not expressions) is a CEL error, not a crash; so is
      // any other failure inside a library function: one expression must not fail the request.
      if (err instanceof RangeError) throw new CelEvalError("evaluation recursion limit exceeded");
      throw new CelEvalError(`internal error: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return {
    source,
    ast,
    evaluateWithCost,
    evaluate: (variables, options) => evaluateWithCost(variables, options).value,
  };
}
