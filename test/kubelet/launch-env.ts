// The `skiff` bin's launch recipe: the environment and node flags on dist/skiff.cjs's
// `#!/usr/bin/env -S …` line. Tests spawn `node dist/skiff.cjs`, which skips the shebang; applying
// the recipe makes the agents of the agent tests and of bench/pods start as a user's `skiff agent`.
import { readFileSync } from "node:fs";

/** The variables (node flags as NODE_OPTIONS) the shebang of `file` sets; {} for a plain one. */
export function launcherEnv(file: string): Record<string, string> {
  const first = readFileSync(file, "utf8").split("\n", 1)[0] ?? "";
  const prefix = "#!/usr/bin/env -S ";
  if (!first.startsWith(prefix)) return {};
  const words = first.slice(prefix.length).trim().split(/\s+/);
  const env: Record<string, string> = {};
  const node = words.findIndex((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  for (const w of words.slice(0, node < 0 ? words.length : node)) {
    const eq = w.indexOf("=");
    env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  const flags = node < 0 ? [] : words.slice(node + 1);
  if (flags.length > 0) env.NODE_OPTIONS = [process.env.NODE_OPTIONS ?? "", ...flags].join(" ").trim();
  return env;
}

/** Runs `start` (which must spawn synchronously) with `env` added to process.env, then restores it. */
export function withEnv<T>(env: Record<string, string>, start: () => T): T {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return start();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
