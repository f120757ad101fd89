#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with node:test (Node 20's --test takes no globs).
// Usage: node scripts/test.mjs [paths...]  (defaults to src and test)
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function findTests(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = [];
for (const root of roots.length > 0 ? roots : ["src", "test"]) {
  if (statSync(root).isDirectory()) findTests(root, files);
  else files.push(root);
}
// The integration suites under test/ (real servers, runtimes, kubectl) take minutes each and the
// unit tests under src/ seconds: starting the long ones first lets the short ones fill the end of the
// run instead of a few long ones running alone at the end.
const rank = (f) => (f.startsWith("test/") ? 0 : 1);
files.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
const concurrency = process.env.SKIFF_TEST_CONCURRENCY ?? "4";
const child = spawn(
  process.execPath,
  ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-timeout=600000", ...files],
  { stdio: "inherit" },
);
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
