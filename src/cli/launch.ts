// The `skiff` executable (dist/skiff.cjs): loads the bundled CLI beside it (skiff-cli.cjs, or the
// agent-only skiff-agent.cjs for `skiff agent`) in small reads, and for
// `skiff server` sets V8's start-up flags first (startup-flags.ts), both to save idle memory.
import { closeSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { compileFunction } from "node:vm";
import { beginStartup, keepYoungGenerationSmall } from "./startup-flags.ts";

// Before the bundle is even read: see startup-flags.ts. The server undoes them once ready; the
// agent keeps its young generation small for good (it allocates little once up), not TurboFan.
if (process.argv[2] === "server") beginStartup();
else if (process.argv[2] === "agent") keepYoungGenerationSmall();

/**
 * The bundle read 64 KiB at a time: a whole-file read is one 4 MB malloc, and freeing it raises
 * glibc's dynamic mmap threshold to 4 MB, after which every allocation up to that size comes
 * from the heap arenas and fragments them (about 6 MB of idle RSS, measured).
 */
function readInChunks(file: string): string {
  const fd = openSync(file, "r");
  try {
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const parts: string[] = [];
    let position = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, position);
      if (n === 0) break;
      // The bundle is ASCII (scripts/build.mjs checks it), so latin1 decodes it exactly.
      parts.push(buffer.toString("latin1", 0, n));
      position += n;
    }
    return parts.join("");
  } finally {
    closeSync(fd);
  }
}

const file = join(__dirname, process.argv[2] === "agent" ? "skiff-agent.cjs" : "skiff-cli.cjs");
const main = compileFunction(
  readInChunks(file),
  ["exports", "require", "module", "__filename", "__dirname"],
  {
    filename: file,
  },
);
const mod = { exports: {} };
main.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
