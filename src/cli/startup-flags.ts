// V8 settings for the start-up of `skiff server` (set by the launcher, src/cli/launch.ts) and
// their undoing once the command is up: start-up is mostly one-off module initialization, so it
// needs neither a large young generation nor optimized code, both of which stay resident after.
import { setFlagsFromString } from "node:v8";

// Marks that the launcher set the flags (so a user's own flags are not reset to defaults).
const marker = Symbol.for("skiff.startupFlags");

/**
 * --semi-space-growth-factor=1: the young generation stays at its initial 1 MB semi-spaces
 * (fast start-up allocation otherwise grows it to 16 MB, kept while idle: ~12 MB of RSS).
 * --max-opt=1: no TurboFan during start-up (its compiler's pages and zones: ~5 MB of RSS).
 * Both flags are read at each decision, so they work when set at run time, unlike the
 * heap-sizing flags (--max-semi-space-size), which V8 reads once when it creates the heap.
 */
const startup = { "semi-space-growth-factor": ["1", "2"], "max-opt": ["1", "999"] } as const;

/** Sets the start-up flags unless the user's node options name them; returns the flags it set. */
export function beginStartup(): string[] {
  const userFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  const applied: string[] = [];
  for (const [flag, [value]] of Object.entries(startup)) {
    if (userFlags.includes(flag) || userFlags.includes(flag.replaceAll("-", "_"))) continue;
    setFlagsFromString(`--${flag}=${value}`);
    applied.push(flag);
  }
  (globalThis as Record<symbol, unknown>)[marker] = applied;
  return applied;
}

/** Restores V8's defaults for what beginStartup set; a no-op when it did not run. */
export function endStartup(): void {
  const applied = (globalThis as Record<symbol, unknown>)[marker];
  if (!Array.isArray(applied)) return;
  for (const flag of applied as (keyof typeof startup)[]) setFlagsFromString(`--${flag}=${startup[flag][1]}`);
  (globalThis as Record<symbol, unknown>)[marker] = undefined;
}

/** For the node agent: the young generation stays at its initial size for the process's life. */
export function keepYoungGenerationSmall(): void {
  const userFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  if (!/semi.space/.test(userFlags)) setFlagsFromString("--semi-space-growth-factor=1");
}
