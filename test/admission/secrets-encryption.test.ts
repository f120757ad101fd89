// `skiff server --secrets-encryption` with kubectl 1.32: Secrets written before it was turned on
// and after are AES-GCM ciphertext in the SQLite file under a key Skiff keeps in the data dir;
// `skiff secrets-encrypt rotate-keys` plus a restart re-encrypts them under a new key and drops
// the old one; kubectl reads the same values throughout.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { Kubectl } from "../support/kubectl.ts";
import { SkiffChild } from "../support/skiff-child.ts";
import { skiffEntry } from "../support/skiff-entry.ts";
import { onDisk as onDiskIn, rawValue as rawValueIn } from "../support/sqlite-raw.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-secrets-enc-");
const dataDir = join(dir.path, "data");
let child: SkiffChild | undefined;
const rawValue = (key: string): string => rawValueIn(dataDir, key);
const onDisk = (text: string): boolean => onDiskIn(dataDir, text);
after(async () => {
  await child?.stop();
  dir.remove();
});

async function startServer(extra: string[]): Promise<Kubectl> {
  child = await SkiffChild.start(
    [
      "server",
      "--data-dir",
      dataDir,
      "--listen",
      "127.0.0.1:0",
      "--disable-agent",
      "--disable-cluster-dns",
      "--disable-ingress",
      "--disable-controller-manager",
      "--disable-scheduler",
      "--disable-admission-plugins",
      "ServiceAccount",
      ...extra,
    ],
    "skiff server ready",
  );
  return new Kubectl({
    version: "1.32",
    kubeconfig: join(dataDir, "kubeconfig"),
    cacheDir: join(dir.path, "cache"),
  });
}

const keyOf = (value: string): string => /^k8s:enc:aesgcm:v1:([^:]+):/.exec(value)?.[1] ?? "";

async function password(k: Kubectl, name: string): Promise<string> {
  return Buffer.from(
    await k.ok("get", "secret", name, "-o", "jsonpath={.data.password}"),
    "base64",
  ).toString();
}

test("secrets are encrypted under a managed key, rotated by skiff secrets-encrypt and a restart", async () => {
  let k = await startServer([]);
  await k.ok("create", "secret", "generic", "early", "--from-literal=password=plain-before-encryption");
  await child?.stop();
  assert.match(rawValue("secrets/default/early"), /^\{/, "written before encryption: plain JSON");

  k = await startServer(["--secrets-encryption"]);
  assert.match(child?.out ?? "", /encryption at rest: .*encryption-config\.yaml/);
  await k.ok("create", "secret", "generic", "later", "--from-literal=password=written-while-encrypted");
  assert.equal(await password(k, "early"), "plain-before-encryption");
  await child?.stop();
  const first = keyOf(rawValue("secrets/default/later"));
  assert.match(first, /^aesgcm-/);
  assert.equal(
    keyOf(rawValue("secrets/default/early")),
    first,
    "the start-up rewrite encrypted the older Secret",
  );
  for (const text of ["plain-before-encryption", "written-while-encrypted"])
    assert.equal(onDisk(text), false, text);
  const rotate = spawnSync(
    process.execPath,
    [...skiffEntry(), "secrets-encrypt", "rotate-keys", "--data-dir", dataDir],
    { encoding: "utf8" },
  );
  assert.equal(rotate.status, 0, rotate.stderr);
  const added = /added key (\S+)/.exec(rotate.stdout)?.[1] ?? "";
  assert.notEqual(added, first);

  k = await startServer(["--secrets-encryption"]);
  assert.match(child?.out ?? "", new RegExp(`dropped old keys ${first}`));
  assert.equal(await password(k, "early"), "plain-before-encryption");
  assert.equal(await password(k, "later"), "written-while-encrypted");
  await child?.stop();
  assert.equal(keyOf(rawValue("secrets/default/early")), added);
  assert.equal(keyOf(rawValue("secrets/default/later")), added);
  assert.doesNotMatch(readFileSync(join(dataDir, "encryption-config.yaml"), "utf8"), new RegExp(first));

  // Both flags at once is a usage error in one line.
  const both = spawnSync(
    process.execPath,
    [
      ...skiffEntry(),
      "server",
      "--data-dir",
      dataDir,
      "--secrets-encryption",
      "--encryption-provider-config",
      "x",
    ],
    { encoding: "utf8" },
  );
  assert.equal(both.status, 2);
  assert.match(
    both.stderr.trim(),
    /^error: --secrets-encryption and --encryption-provider-config cannot be used together$/,
  );
});
