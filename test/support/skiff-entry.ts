// How tests start the `skiff` command: the built bundle users run (dist/skiff.cjs) when it is at
// least as new as every source file, else the sources under tsx. Loading the sources through tsx
// costs ~3.5 s of CPU per process against ~0.3 s for the bundle, and the suite starts hundreds of
// servers, agents and sims; `npm test` builds the bundle first, so CI always runs the bundle.
// SKIFF_TEST_ENTRY=tsx|bundle forces one (SKIFF_CHILD_BUNDLE=1, the benchmarks' switch, means bundle).
import { readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const repoRoot = resolve(import.meta.dirname, "../..");
const mainScript = join(repoRoot, "src/cli/main.ts");
const bundle = join(repoRoot, "dist/skiff.cjs");

/** The newest modification time of a .ts file under dir (0 for none). */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function bundleIsFresh(): boolean {
  let built: number;
  try {
    built = statSync(bundle).mtimeMs;
  } catch {
    return false;
  }
  return built >= newestSource(join(repoRoot, "src"));
}

let chosen: string[] | undefined;

/** The node arguments that precede a skiff subcommand: `[bundle]` or `["--import", "tsx", main]`. */
export function skiffEntry(): string[] {
  if (chosen === undefined) {
    const forced =
      process.env.SKIFF_TEST_ENTRY ?? (process.env.SKIFF_CHILD_BUNDLE === "1" ? "bundle" : undefined);
    const useBundle = forced === "bundle" || (forced !== "tsx" && bundleIsFresh());
    chosen = useBundle ? [bundle] : ["--import", "tsx", mainScript];
  }
  return chosen;
}

/** The full argv (node first) of `skiff <args>`. */
export function skiffArgv(args: string[]): [string, ...string[]] {
  return [process.execPath, ...skiffEntry(), ...args];
}
