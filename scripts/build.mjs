#!/usr/bin/env node
// Bundles the `skiff` CLI into dist/skiff.cjs (CJS: ESM output breaks on CJS deps' dynamic require).
import { readFileSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/skiff.cjs",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  // An all-ASCII bundle lets V8 keep the 4 MB source as one-byte text instead of a two-byte copy
  // (3.7 MB of idle RSS); whitespace minification also drops comments, where non-ASCII hides.
  charset: "ascii",
  minifyWhitespace: true,
  external: ["better-sqlite3"],
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});

const bundle = readFileSync("dist/skiff.cjs");
const wide = bundle.findIndex((b) => b > 0x7f);
if (wide >= 0) throw new Error(`dist/skiff.cjs is not ASCII at byte ${wide}`);
