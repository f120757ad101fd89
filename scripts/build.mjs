#!/usr/bin/env node
// Bundles the `skiff` CLI into dist/skiff-main.cjs (CJS: ESM output breaks on CJS deps' dynamic
// require) and writes dist/skiff.cjs, the small executable that loads it (src/cli/launch.ts).
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const common = { bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning" };

await build({
  ...common,
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/skiff-main.cjs",
  sourcemap: true,
  // An all-ASCII bundle lets V8 keep the 4 MB source as one-byte text instead of a two-byte copy
  // (3.7 MB of idle RSS); whitespace minification also drops comments, where non-ASCII hides.
  charset: "ascii",
  minifyWhitespace: true,
  external: ["better-sqlite3"],
});

await build({
  ...common,
  entryPoints: ["src/cli/launch.ts"],
  outfile: "dist/skiff.cjs",
  banner: { js: "#!/usr/bin/env node" },
});

const bundle = readFileSync("dist/skiff-main.cjs");
const wide = bundle.findIndex((b) => b > 0x7f);
if (wide >= 0) throw new Error(`dist/skiff-main.cjs is not ASCII at byte ${wide}`);
