// The extension libraries Kubernetes enables: strings (lowerAscii, upperAscii, split, join,
// trim, replace, indexOf, lastIndexOf, substring, charAt), Kubernetes' lists (isSorted, sum,
// min, max, indexOf, lastIndexOf), cel-go's lists (slice, flatten) and regex (find, findAll).
import { CelEvalError } from "./errors.ts";
import { type CallContext, type FunctionDef, miss } from "./functions.ts";
import { binary } from "./operators.ts";
import { compileRegex } from "./regex.ts";
import { codePoints } from "./stdlib.ts";
import { CelDuration, CelUint, type CelValue, celCompare, celEquals, isList } from "./values.ts";

function str(fn: string, v: CelValue | undefined): string {
  if (typeof v !== "string") throw miss(fn, v ?? null);
  return v;
}

function int(fn: string, v: CelValue | undefined): number {
  if (typeof v !== "bigint") throw miss(fn, v ?? null);
  return Number(v);
}

function list(fn: string, v: CelValue): readonly CelValue[] {
  if (!isList(v)) throw miss(fn, v);
  return v;
}

function charge(ctx: CallContext, s: string): void {
  ctx.cost(1 + Math.ceil(s.length / 10));
}

function stringIndexOf(t: CelValue, args: CelValue[], ctx: CallContext, last: boolean): bigint {
  const s = codePoints(str("indexOf", t));
  const sub = codePoints(str("indexOf", args[0]));
  charge(ctx, str("indexOf", t));
  const fromArg = args[1];
  let from = fromArg === undefined ? (last ? s.length - sub.length : 0) : int("indexOf", fromArg);
  if (from < 0 || from > s.length) throw new CelEvalError(`index out of range: ${from}`);
  const matchesAt = (i: number) => sub.every((c, k) => s[i + k] === c);
  if (last) {
    for (from = Math.min(from, s.length - sub.length); from >= 0; from--)
      if (matchesAt(from)) return BigInt(from);
    return -1n;
  }
  for (; from + sub.length <= s.length; from++) if (matchesAt(from)) return BigInt(from);
  return -1n;
}

function listIndexOf(t: CelValue, args: CelValue[], last: boolean): bigint {
  const items = list("indexOf", t);
  const wanted = args[0] ?? null;
  if (last) {
    for (let i = items.length - 1; i >= 0; i--) if (celEquals(items[i] ?? null, wanted)) return BigInt(i);
    return -1n;
  }
  const i = items.findIndex((x) => celEquals(x, wanted));
  return BigInt(i);
}

function indexOfDef(last: boolean): FunctionDef {
  return {
    member: {
      arities: [1, 2],
      impl: (t, args, ctx) => {
        if (typeof t === "string") return stringIndexOf(t, args, ctx, last);
        if (isList(t) && args.length === 1) return listIndexOf(t, args, last);
        throw miss(last ? "lastIndexOf" : "indexOf", t, ...args);
      },
    },
  };
}

/** Kubernetes' lists library: the element type must be ordered (numbers, strings, durations, …). */
function fold(fn: string, pick: (c: number) => boolean): FunctionDef {
  return {
    member: {
      arities: [0],
      impl: (t, _args, ctx) => {
        const items = list(fn, t);
        ctx.cost(items.length);
        if (items.length === 0) throw new CelEvalError(`${fn} called on empty list`);
        let best = items[0] ?? null;
        for (const x of items.slice(1)) if (pick(celCompare(x, best))) best = x;
        return best;
      },
    },
  };
}

function zeroLike(items: readonly CelValue[]): CelValue {
  const first = items[0];
  if (typeof first === "number") return 0;
  if (first instanceof CelUint) return new CelUint(0n);
  if (first instanceof CelDuration) return new CelDuration(0n);
  return 0n;
}

function setOp(fn: string, test: (a: readonly CelValue[], b: readonly CelValue[]) => boolean): FunctionDef {
  return {
    global: {
      arities: [2],
      impl: ([a = null, b = null], ctx) => {
        const x = list(fn, a);
        const y = list(fn, b);
        ctx.cost(x.length * y.length);
        return test(x, y);
      },
    },
  };
}

const within = (a: readonly CelValue[], b: readonly CelValue[]) =>
  b.every((v) => a.some((w) => celEquals(v, w)));

export const extensionLibrary: Record<string, FunctionDef> = {
  // cel-go's sets extension, enabled by Kubernetes since 1.29.
  "sets.contains": setOp("sets.contains", within),
  "sets.equivalent": setOp("sets.equivalent", (a, b) => within(a, b) && within(b, a)),
  "sets.intersects": setOp("sets.intersects", (a, b) => b.some((v) => a.some((w) => celEquals(v, w)))),
  lowerAscii: {
    member: { arities: [0], impl: (t) => str("lowerAscii", t).replace(/[A-Z]/g, (c) => c.toLowerCase()) },
  },
  upperAscii: {
    member: { arities: [0], impl: (t) => str("upperAscii", t).replace(/[a-z]/g, (c) => c.toUpperCase()) },
  },
  trim: { member: { arities: [0], impl: (t) => str("trim", t).trim() } },
  charAt: {
    member: {
      arities: [1],
      impl: (t, [i]) => {
        const s = codePoints(str("charAt", t));
        const n = int("charAt", i);
        if (n < 0 || n > s.length) throw new CelEvalError(`index out of range: ${n}`);
        return s[n] ?? "";
      },
    },
  },
  split: {
    member: {
      arities: [1, 2],
      impl: (t, args, ctx) => {
        const s = str("split", t);
        charge(ctx, s);
        const sep = str("split", args[0]);
        const limit = args[1] === undefined ? -1 : int("split", args[1]);
        if (limit === 0) return [];
        const parts = sep === "" ? codePoints(s) : s.split(sep);
        if (limit < 0 || parts.length <= limit) return parts;
        return [...parts.slice(0, limit - 1), parts.slice(limit - 1).join(sep)];
      },
    },
  },
  join: {
    member: {
      arities: [0, 1],
      impl: (t, args, ctx) => {
        const items = list("join", t);
        ctx.cost(items.length);
        const sep = args[0] === undefined ? "" : str("join", args[0]);
        return items.map((x) => str("join", x)).join(sep);
      },
    },
  },
  replace: {
    member: {
      arities: [2, 3],
      impl: (t, args, ctx) => {
        const s = str("replace", t);
        charge(ctx, s);
        const from = str("replace", args[0]);
        const to = str("replace", args[1]);
        const limit = args[2] === undefined ? -1 : int("replace", args[2]);
        if (limit < 0) return s.split(from).join(to);
        let out = s;
        let at = 0;
        for (let n = 0; n < limit; n++) {
          const i = out.indexOf(from, at);
          if (i < 0) break;
          out = out.slice(0, i) + to + out.slice(i + from.length);
          at = i + to.length + (from === "" ? 1 : 0);
        }
        return out;
      },
    },
  },
  substring: {
    member: {
      arities: [1, 2],
      impl: (t, args) => {
        const s = codePoints(str("substring", t));
        const start = int("substring", args[0]);
        const end = args[1] === undefined ? s.length : int("substring", args[1]);
        if (start < 0 || start > s.length) throw new CelEvalError(`index out of range: ${start}`);
        if (end < 0 || end > s.length) throw new CelEvalError(`index out of range: ${end}`);
        if (end < start) throw new CelEvalError(`invalid substring range. start: ${start}, end: ${end}`);
        return s.slice(start, end).join("");
      },
    },
  },
  indexOf: indexOfDef(false),
  lastIndexOf: indexOfDef(true),
  isSorted: {
    member: {
      arities: [0],
      impl: (t, _a, ctx) => {
        const items = list("isSorted", t);
        ctx.cost(items.length);
        return items.every((x, i) => i === 0 || celCompare(items[i - 1] ?? null, x) <= 0);
      },
    },
  },
  sum: {
    member: {
      arities: [0],
      impl: (t, _a, ctx) => {
        const items = list("sum", t);
        ctx.cost(items.length);
        return items.reduce<CelValue>((acc, x) => binary("+", acc, x), zeroLike(items));
      },
    },
  },
  min: fold("min", (c) => c < 0),
  max: fold("max", (c) => c > 0),
  slice: {
    member: {
      arities: [2],
      impl: (t, [a, b]) => {
        const items = list("slice", t);
        const start = int("slice", a);
        const end = int("slice", b);
        if (start < 0 || end < start || end > items.length)
          throw new CelEvalError(`cannot slice(${start}, ${end}), list is length ${items.length}`);
        return items.slice(start, end);
      },
    },
  },
  flatten: {
    member: {
      arities: [0],
      impl: (t) => list("flatten", t).flatMap((x) => (isList(x) ? x : [x])),
    },
  },
  find: {
    member: {
      arities: [1],
      impl: (t, [p], ctx) => {
        charge(ctx, str("find", t));
        return compileRegex(str("find", p)).exec(str("find", t))?.[0] ?? "";
      },
    },
  },
  findAll: {
    member: {
      arities: [1, 2],
      impl: (t, [p, n], ctx) => {
        const s = str("findAll", t);
        charge(ctx, s);
        const re = compileRegex(str("findAll", p));
        const global = new RegExp(re.source, `${re.flags}g`);
        const found = [...s.matchAll(global)].map((m) => m[0]);
        const limit = n === undefined ? -1 : int("findAll", n);
        return limit < 0 ? found : found.slice(0, limit);
      },
    },
  },
};
