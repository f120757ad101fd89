#!/usr/bin/env node
// Enforces which src/ folders may import which (STYLE.md "layering enforced, not hoped for").
// A folder may import itself and the folders listed for it; nothing imports cli.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const allowed = {
  api: ["metrics"],
  metrics: [],
  storage: ["api", "metrics"],
  apiserver: ["api", "storage", "client", "metrics"],
  client: ["api", "metrics"],
  controllers: ["api", "client", "metrics"],
  scheduler: ["api", "client", "metrics"],
  kubelet: ["api", "client", "metrics"],
  proxy: ["api", "client", "metrics"],
  dns: ["api", "client", "metrics"],
  ingress: ["api", "client", "metrics"],
  dashboard: ["api", "client", "metrics"],
  cli: [
    "metrics",
    "api",
    "storage",
    "apiserver",
    "client",
    "controllers",
    "scheduler",
    "kubelet",
    "proxy",
    "dns",
    "ingress",
    "dashboard",
  ],
};

const src = resolve("src");
const problems = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|mts|js|mjs)$/.test(name)) check(p);
  }
}
function layerOf(file) {
  return relative(src, file).split("/")[0];
}
function check(file) {
  const from = layerOf(file);
  const text = readFileSync(file, "utf8");
  const re = /(?:import|export)\s[^"']*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  for (const m of text.matchAll(re)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec);
    if (!target.startsWith(src + "/")) continue;
    const to = layerOf(target);
    if (to === from) continue;
    const ok = allowed[from];
    if (!ok) problems.push(`${relative(".", file)}: folder src/${from} is not in the layering table`);
    else if (!ok.includes(to))
      problems.push(`${relative(".", file)}: src/${from} may not import src/${to} (${spec})`);
  }
}
walk(src);
if (problems.length > 0) {
  console.error(`layering: ${problems.length} violation(s)\n${problems.join("\n")}`);
  process.exit(1);
}
console.log("layering: ok");
