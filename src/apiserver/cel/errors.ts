// CEL failures: syntax/compile errors (with the offending offset, printed as cel-go does,
// `ERROR: <input>:1:5: ...` plus a caret line) and evaluation errors (no such key, overflow,
// cost limit), which the evaluator throws and `&&`/`||`/macros may absorb.

/** A problem found while compiling (lexing, parsing, checking). */
export class CelSyntaxError extends Error {
  override name = "CelSyntaxError";
  constructor(
    readonly detail: string,
    /** Offset in the source. */
    readonly pos: number,
  ) {
    super(detail);
  }
}

/** A runtime error: a value, in CEL's terms, that propagates unless a logical operator absorbs it. */
export class CelEvalError extends Error {
  override name = "CelEvalError";
  constructor(
    message: string,
    /** Set by the evaluator at the node that failed, when the library did not know it. */
    public pos?: number,
  ) {
    super(message);
  }
}

/** Exceeding the evaluation budget is never absorbed by `||`/`&&`. */
export class CelCostLimitError extends CelEvalError {
  override name = "CelCostLimitError";
}

/** Line and column (1-based line, 1-based column as cel-go prints) of an offset. */
export function location(source: string, pos: number): { line: number; column: number } {
  const before = source.slice(0, pos);
  const line = before.split("\n").length;
  const column = pos - (before.lastIndexOf("\n") + 1) + 1;
  return { line, column };
}

/** cel-go's issue text: `ERROR: <input>:1:5: message` and the source line with a caret under the column. */
export function formatIssue(source: string, pos: number, message: string): string {
  const { line, column } = location(source, pos);
  const text = source.split("\n")[line - 1] ?? "";
  return `ERROR: <input>:${line}:${column}: ${message}\n | ${text}\n | ${".".repeat(column - 1)}^`;
}
