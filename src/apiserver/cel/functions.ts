// The function table the checker and evaluator share: each function is callable globally
// (`size(x)`), as a member (`x.size()`), or both, with its accepted argument counts.
import { CelEvalError } from "./errors.ts";
import { type CelValue, typeName } from "./values.ts";

export interface CallContext {
  /** Charges evaluation cost; throws once the budget is spent. */
  cost(units: number): void;
}

export type GlobalImpl = (args: CelValue[], ctx: CallContext) => CelValue;
export type MemberImpl = (target: CelValue, args: CelValue[], ctx: CallContext) => CelValue;

export interface FunctionDef {
  global?: { arities: readonly number[]; impl: GlobalImpl };
  member?: { arities: readonly number[]; impl: MemberImpl };
}

export type FunctionTable = Map<string, FunctionDef>;

/** Merges libraries; a later library's global/member form of a name is added to an earlier one's. */
export function functionTable(...libraries: Record<string, FunctionDef>[]): FunctionTable {
  const table: FunctionTable = new Map();
  for (const lib of libraries) {
    for (const [name, def] of Object.entries(lib)) {
      const existing = table.get(name);
      if (!existing) {
        table.set(name, { ...def });
        continue;
      }
      if (def.global) existing.global = chainGlobal(existing.global, def.global);
      if (def.member) existing.member = chainMember(existing.member, def.member);
    }
  }
  return table;
}

/** Two libraries defining one member name (e.g. indexOf on strings and lists): try each by receiver. */
function chainMember(a: FunctionDef["member"], b: NonNullable<FunctionDef["member"]>): FunctionDef["member"] {
  if (!a) return b;
  return {
    arities: [...new Set([...a.arities, ...b.arities])],
    impl: (target, args, ctx) => {
      try {
        if (a.arities.includes(args.length)) return a.impl(target, args, ctx);
      } catch (err) {
        if (!(err instanceof OverloadMiss)) throw err;
      }
      if (b.arities.includes(args.length)) return b.impl(target, args, ctx);
      throw new OverloadMiss("no such overload");
    },
  };
}

function chainGlobal(a: FunctionDef["global"], b: NonNullable<FunctionDef["global"]>): FunctionDef["global"] {
  if (!a) return b;
  return {
    arities: [...new Set([...a.arities, ...b.arities])],
    impl: (args, ctx) => {
      try {
        if (a.arities.includes(args.length)) return a.impl(args, ctx);
      } catch (err) {
        if (!(err instanceof OverloadMiss)) throw err;
      }
      if (b.arities.includes(args.length)) return b.impl(args, ctx);
      throw new OverloadMiss("no such overload");
    },
  };
}

/** Thrown by a library implementation that does not take these argument types. */
export class OverloadMiss extends CelEvalError {
  override name = "OverloadMiss";
}

export function miss(fn: string, ...args: CelValue[]): OverloadMiss {
  return new OverloadMiss(`no such overload: ${fn}(${args.map(typeName).join(", ")})`);
}
