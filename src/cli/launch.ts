// The `skiff` executable (dist/skiff.cjs): loads the bundled CLI beside it (skiff-cli.cjs, or the
// agent-only skiff-agent.cjs for `skiff agent` when the build made one) in small reads, and for
// `skiff server` sets V8's start-up flags first (startup-flags.ts), both to save idle memory.
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { compileFunction } from "node:vm";
import { beginStartup } from "./startup-flags.ts";

// Before the bundle is even read: see startup-flags.ts. Only the server sets them: it undoes them
// once ready, and its idle memory is the one with a target.
if (process.argv[2] === "server") beginStartup();

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

const agent = join(__dirname, "skiff-agent.cjs");
const file = process.argv[2] === "agent" && existsSync(agent) ? agent : join(__dirname, "skiff-cli.cjs");
const main = compileFunction(
  readInChunks(file),
  ["exports", "require", "module", "__filename", "__dirname"],
  {
    filename: file,
  },
);
const mod = { exports: {} };
main.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
