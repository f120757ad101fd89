import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { test } from "node:test";

// The launcher users run (npm test builds dist/ before the tests).
const bundle = resolve(import.meta.dirname, "../../dist/skiff.cjs");

test("dist/skiff.cjs loads the bundled CLI and passes arguments and exit codes through", () => {
  assert.ok(existsSync(bundle), "build first: node scripts/build.mjs");
  const version = spawnSync(process.execPath, [bundle, "--version"], { encoding: "utf8" });
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^v1\.32\.\d+/);
  const unknown = spawnSync(process.execPath, [bundle, "no-such-command"], { encoding: "utf8" });
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /^error: unknown command 'no-such-command'/);
});
