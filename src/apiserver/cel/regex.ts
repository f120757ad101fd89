// RE2 patterns on JavaScript's RegExp: leading inline flags, `(?P<name>`, `\z` and `\A` are
// translated; what RE2 does not have (backreferences, lookaround) is refused. JavaScript's
// engine backtracks and cannot be interrupted, so patterns with a quantified group that itself
// holds an unbounded quantifier (`(a+)+`, the catastrophic-backtracking shape) are refused too.
import { CelEvalError } from "./errors.ts";

const cache = new Map<string, RegExp>();
const cacheLimit = 500;

export function compileRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const re = translate(pattern);
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(pattern, re);
  return re;
}

function invalid(pattern: string, why: string): CelEvalError {
  return new CelEvalError(`error parsing regexp: ${why}: \`${pattern}\``);
}

function translate(pattern: string): RegExp {
  let body = pattern;
  let flags = "";
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    if (lead[1]?.includes("U")) throw invalid(pattern, "ungreedy flag not supported");
    flags = [...new Set(lead[1])].join("");
    body = body.slice(lead[0].length);
  }
  if (/\(\?[=!]|\(\?<[=!]/.test(body)) throw invalid(pattern, "invalid or unsupported Perl syntax");
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(body)) throw invalid(pattern, "invalid escape sequence");
  body = body
    .replace(/\(\?P</g, "(?<")
    .replace(/\\z/g, "$(?![\\s\\S])")
    .replace(/\\A/g, "^(?<![\\s\\S])");
  if (hasNestedUnboundedQuantifier(body)) throw invalid(pattern, "nested repetition is not supported");
  try {
    return new RegExp(body, `${flags}u`);
  } catch {
    try {
      return new RegExp(body, flags);
    } catch (err) {
      throw invalid(pattern, (err as Error).message);
    }
  }
}

/** True for `(…+…)*`-like shapes: a group containing `*`, `+` or `{n,}` that is itself repeated. */
export function hasNestedUnboundedQuantifier(body: string): boolean {
  const stack: boolean[] = [];
  let unboundedInside = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "[") {
      // Skip a character class.
      i++;
      if (body[i] === "]") i++;
      while (i < body.length && body[i] !== "]") {
        if (body[i] === "\\") i++;
        i++;
      }
      continue;
    }
    if (c === "(") {
      stack.push(unboundedInside);
      unboundedInside = false;
      continue;
    }
    const repeated = /^(?:[*+]|\{\d+,\})/.test(body.slice(i + 1));
    const quantified = repeated || /^\{\d+(?:,\d+)?\}/.test(body.slice(i + 1));
    if (c === ")") {
      const inner: boolean = unboundedInside;
      unboundedInside = (stack.pop() ?? false) || inner;
      if (inner && quantified) return true;
      continue;
    }
    if (c === "*" || c === "+" || (c === "{" && /^\{\d+,\}/.test(body.slice(i)))) unboundedInside = true;
  }
  return false;
}
