#!/usr/bin/env node
// Bundles the `skiff` CLI into dist/skiff-cli.cjs (CJS: ESM output breaks on CJS deps' dynamic
// require), `skiff agent` alone into dist/skiff-agent.cjs when src/cli/agent-main.ts exists, and
// writes dist/skiff.cjs, the small executable that loads one of them (src/cli/launch.ts).
import { existsSync, readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const common = { bundle: true, platform: "node", target: "node20", format: "cjs", logLevel: "warning" };

const bundle = {
  ...common,
  sourcemap: true,
  // An all-ASCII bundle lets V8 keep the 4 MB source as one-byte text instead of a two-byte copy
  // (3.7 MB of idle RSS); whitespace minification also drops comments, where non-ASCII hides.
  charset: "ascii",
  minifyWhitespace: true,
  external: ["better-sqlite3"],
};
const bundles = ["dist/skiff-cli.cjs"];
await build({ ...bundle, entryPoints: ["src/cli/main.ts"], outfile: "dist/skiff-cli.cjs" });
if (existsSync("src/cli/agent-main.ts")) {
  await build({ ...bundle, entryPoints: ["src/cli/agent-main.ts"], outfile: "dist/skiff-agent.cjs" });
  bundles.push("dist/skiff-agent.cjs");
} else {
  // A stale agent bundle would be run instead of the CLI's `skiff agent`.
  for (const stale of ["dist/skiff-agent.cjs", "dist/skiff-agent.cjs.map"]) rmSync(stale, { force: true });
}

await build({
  ...common,
  entryPoints: ["src/cli/launch.ts"],
  outfile: "dist/skiff.cjs",
  banner: { js: "#!/usr/bin/env node" },
});

for (const file of bundles) {
  const wide = readFileSync(file).findIndex((b) => b > 0x7f);
  if (wide >= 0) throw new Error(`${file} is not ASCII at byte ${wide}`);
}
