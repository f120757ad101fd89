#!/usr/bin/env node
// Builds the web dashboard (src/dashboard/app, preact) into dist/dashboard with vite: hashed
// assets under /dashboard/assets/, no source maps or public dir, so the output depends only on
// the sources. Prints the bundle size (raw and gzipped). `--out-dir <dir>` builds elsewhere (tests).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";

const root = resolve("src/dashboard/app");
const at = process.argv.indexOf("--out-dir");
const outDir = resolve(at > 0 && process.argv[at + 1] ? process.argv[at + 1] : "dist/dashboard");

await build({
  root,
  base: "/dashboard/",
  configFile: false,
  logLevel: "warn",
  publicDir: false,
  esbuild: { jsx: "automatic", jsxImportSource: "preact", legalComments: "none" },
  build: {
    outDir,
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    assetsInlineLimit: 0,
  },
});

let raw = 0;
let gzip = 0;
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else {
      const body = readFileSync(p);
      raw += body.length;
      gzip += gzipSync(body, { level: 9 }).length;
    }
  }
};
walk(outDir);
console.log(`dashboard: ${outDir} ${raw} bytes, ${gzip} gzipped`);
