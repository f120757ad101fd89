#!/usr/bin/env node
// Bundles the `skiff` CLI into dist/skiff.cjs (CJS: ESM output breaks on CJS deps' dynamic require).
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/skiff.cjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  external: ["better-sqlite3"],
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
