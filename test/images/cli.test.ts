// `skiff image …` in-process (commander program with captured output) and as the real CLI process.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { testImages } from "../support/images.ts";
import { tempDir } from "../support/tempdir.ts";
import { skiffCli as cli, imageCommand as image } from "./support.ts";

const dir = tempDir("skiff-image-cli-");
after(() => dir.remove());
const dataDir = join(dir.path, "data");

test("build-busybox, import, ls, rm", async () => {
  const out = join(dir.path, "out");
  const built = await image("build-busybox", "--output", out);
  assert.deepEqual(built.trim().split("\n"), [join(out, "busybox.oci.tar"), join(out, "pause.oci.tar")]);
  const imported = await image(
    "import",
    "--data-dir",
    dataDir,
    join(out, "busybox.oci.tar"),
    testImages().pause,
  );
  assert.match(imported, /^imported docker\.io\/library\/busybox:latest, skiff\.local\/busybox:1 \(sha256:/m);
  assert.match(imported, /^imported skiff\.local\/pause:3\.9 \(sha256:/m);
  const table = (await image("ls", "--data-dir", dataDir)).trim().split("\n");
  assert.match(table[0] ?? "", /^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/);
  assert.deepEqual(
    table.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(":")),
    ["docker.io/library/busybox:latest", "skiff.local/busybox:1", "skiff.local/pause:3.9"],
  );
  const ids = (await image("ls", "-q", "--data-dir", dataDir)).trim().split("\n");
  assert.equal(ids.length, 2);
  assert.match(await image("rm", "--data-dir", dataDir, "skiff.local/pause:3.9"), /^deleted sha256:/);
  assert.equal((await image("ls", "-q", "--data-dir", dataDir)).trim().split("\n").length, 1);
});

test("the real CLI: one error line and exit 1 for a missing image or a file that is no archive", async () => {
  const rm = await cli(["image", "rm", "--data-dir", dataDir, "skiff.local/nothere:1"]);
  assert.equal(rm.code, 1);
  assert.equal(rm.stderr, "error: no such image: skiff.local/nothere:1\n");
  const bad = await cli(["image", "import", "--data-dir", dataDir, resolve(import.meta.filename)]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^error: .*cli\.test\.ts: not a tar archive/);
  assert.equal(bad.stderr.split("\n").length, 2);
  const ls = await cli(["image", "ls", "--data-dir", dataDir]);
  assert.equal(ls.code, 0);
  assert.match(ls.stdout, /^docker\.io\/library\/busybox\s+latest\s+[0-9a-f]{13}\s+1\.\d+MB$/m);
  // No half-written blob is left behind by the failed import.
  assert.deepEqual(readdirSync(join(dataDir, "images", "tmp")), []);
});
