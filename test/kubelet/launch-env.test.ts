import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { tempDir } from "../support/tempdir.ts";
import { launcherEnv, withEnv } from "./launch-env.ts";

test("the shebang's variables and node flags become an environment; a plain shebang gives none", () => {
  const dir = tempDir("launch-env-");
  try {
    const file = join(dir.path, "skiff.cjs");
    writeFileSync(file, "#!/usr/bin/env -S A_B=2 C=x node --max-semi-space-size=1\nrequire('x');\n");
    const env = launcherEnv(file);
    assert.equal(env.A_B, "2");
    assert.equal(env.C, "x");
    assert.match(env.NODE_OPTIONS ?? "", /(^| )--max-semi-space-size=1$/);
    writeFileSync(file, "#!/usr/bin/env node\n");
    assert.deepEqual(launcherEnv(file), {});
  } finally {
    dir.remove();
  }
});

test("withEnv sets the variables only while starting", () => {
  delete process.env.SKIFF_LAUNCH_TEST;
  const seen = withEnv({ SKIFF_LAUNCH_TEST: "1" }, () => process.env.SKIFF_LAUNCH_TEST);
  assert.equal(seen, "1");
  assert.equal(process.env.SKIFF_LAUNCH_TEST, undefined);
});
