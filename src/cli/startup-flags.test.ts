import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { test } from "node:test";

const module = resolve(import.meta.dirname, "startup-flags.ts");

// In a child process: the flags change V8's behaviour for the whole process.
function applied(nodeArgs: string[]): string {
  const script = `const m = await import(${JSON.stringify(module)}); console.log(m.beginStartup().join(",")); m.endStartup(); m.endStartup();`;
  const run = spawnSync(
    process.execPath,
    [...nodeArgs, "--import", "tsx", "--input-type=module", "-e", script],
    {
      encoding: "utf8",
    },
  );
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim();
}

test("beginStartup sets both start-up flags", () => {
  assert.equal(applied([]), "semi-space-growth-factor,max-opt");
});

test("beginStartup leaves a flag the user set on the command line alone", () => {
  assert.equal(applied(["--max-opt=2"]), "semi-space-growth-factor");
  assert.equal(applied(["--semi_space_growth_factor=3"]), "max-opt");
});
