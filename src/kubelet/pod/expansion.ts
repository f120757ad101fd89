// Kubernetes' $(VAR) expansion of env values, command and args: `$(NAME)` becomes the variable's
// value when defined and stays as written otherwise; `$$` is an escaped `$`.

export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== "$" || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === "$") {
      out += "$";
      i += 2;
    } else if (next === "(") {
      const close = input.indexOf(")", i + 2);
      if (close < 0) {
        out += input.slice(i);
        break;
      }
      const name = input.slice(i + 2, close);
      const value = name === "" ? undefined : lookup(name);
      out += value ?? `$(${name})`;
      i = close + 1;
    } else {
      out += `$${next}`;
      i += 2;
    }
  }
  return out;
}

/** Expands with a name → value map. */
export function expandWith(input: string, env: ReadonlyMap<string, string>): string {
  return expand(input, (name) => env.get(name));
}
