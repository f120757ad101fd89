#!/usr/bin/env node
// Bundles the `skiff` CLI (CJS: ESM output breaks on CJS deps' dynamic require): dist/skiff-cli.cjs
// holds every command, dist/skiff-agent.cjs only `skiff agent`, and dist/skiff.cjs (the `skiff`
// bin) is a launcher that requires one of them. A node agent then neither parses nor keeps the
// server's, controllers' and tools' code: the 4 MB CLI bundle's parse alone left 3.5 MB of RSS.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { build } from "esbuild";

const shebang = "#!/usr/bin/env node";
const common = {
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
  banner: { js: shebang },
  logLevel: "warning",
};

await build({ ...common, entryPoints: ["src/cli/main.ts"], outfile: "dist/skiff-cli.cjs" });
await build({ ...common, entryPoints: ["src/cli/agent-main.ts"], outfile: "dist/skiff-agent.cjs" });
// How every `skiff` process starts (measured on the agent, PERF-NOTES.md): glibc with two malloc
// arenas and a fixed mmap threshold (freed buffers go back to the OS instead of fragmenting the
// heap), V8 with a 1 MB semi-space. Only a shebang can set these: Node 20 cannot re-exec itself.
const launch =
  "#!/usr/bin/env -S MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=1";
writeFileSync(
  "dist/skiff.cjs",
  `${launch}
"use strict";
// The skiff command: \`skiff agent\` runs the agent-only bundle, every other command the full CLI.
require(process.argv[2] === "agent" ? "./skiff-agent.cjs" : "./skiff-cli.cjs");
`,
);
chmodSync("dist/skiff.cjs", 0o755);

for (const file of ["dist/skiff-cli.cjs", "dist/skiff-agent.cjs"]) {
  const bundle = readFileSync(file);
  const wide = bundle.findIndex((b) => b > 0x7f);
  if (wide >= 0) throw new Error(`${file} is not ASCII at byte ${wide}`);
}
