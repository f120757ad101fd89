#!/usr/bin/env node
// Bundles the `skiff` CLI into dist/skiff-cli.cjs (CJS: ESM output breaks on CJS deps' dynamic
// require), `skiff agent` alone into dist/skiff-agent.cjs (a node agent then neither parses nor
// keeps the server's code: 4.7 MB of RSS, PERF-NOTES.md), and writes dist/skiff.cjs, the small executable that loads one of them (src/cli/launch.ts).
import { chmodSync, readFileSync } from "node:fs";
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
const bundles = ["dist/skiff-cli.cjs", "dist/skiff-agent.cjs"];
await build({ ...bundle, entryPoints: ["src/cli/main.ts"], outfile: "dist/skiff-cli.cjs" });
await build({ ...bundle, entryPoints: ["src/cli/agent-main.ts"], outfile: "dist/skiff-agent.cjs" });

// How every `skiff` process starts: glibc with two malloc arenas and a fixed mmap threshold, so
// freed buffers go back to the OS instead of fragmenting the heap (measured on the agent and the
// server, PERF-NOTES.md). Only the shebang can set these: Node 20 cannot re-exec itself. Running
// `node dist/skiff.cjs` skips them (test/kubelet/launch-env.ts applies them to test agents).
await build({
  ...common,
  entryPoints: ["src/cli/launch.ts"],
  outfile: "dist/skiff.cjs",
  banner: { js: "#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node" },
});
chmodSync("dist/skiff.cjs", 0o755);

for (const file of bundles) {
  const wide = readFileSync(file).findIndex((b) => b > 0x7f);
  if (wide >= 0) throw new Error(`${file} is not ASCII at byte ${wide}`);
}
