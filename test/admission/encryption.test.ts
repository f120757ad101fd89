// Encryption at rest through `skiff server --encryption-provider-config`: a Secret created with
// kubectl 1.32 is ciphertext in the SQLite file (upstream's k8s:enc:aescbc:v1:<key>: prefix),
// kubectl still reads it, and a restart with a new first key rewrites it under that key.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { Kubectl } from "../support/kubectl.ts";
import { SkiffChild } from "../support/skiff-child.ts";
import { onDisk as onDiskIn, rawValue as rawValueIn } from "../support/sqlite-raw.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-encryption-");
const dataDir = join(dir.path, "data");
const configPath = join(dir.path, "encryption.yaml");
let child: SkiffChild | undefined;
const rawValue = (key: string): string => rawValueIn(dataDir, key);
const onDisk = (text: string): boolean => onDiskIn(dataDir, text);
after(async () => {
  await child?.stop();
  dir.remove();
});

const secretValue = "hunter2-very-secret";
const key = (n: number) => Buffer.alloc(32, n).toString("base64");

function writeConfig(keys: { name: string; n: number }[]): void {
  writeFileSync(
    configPath,
    `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets]
    providers:
      - aescbc:
          keys:
${keys.map((k) => `            - {name: ${k.name}, secret: "${key(k.n)}"}`).join("\n")}
      - identity: {}
`,
  );
}

async function startServer(): Promise<Kubectl> {
  child = await SkiffChild.start(
    [
      "server",
      "--data-dir",
      dataDir,
      "--listen",
      "127.0.0.1:0",
      "--disable-agent",
      "--disable-cluster-dns",
      "--disable-controller-manager",
      "--disable-scheduler",
      "--disable-admission-plugins",
      "ServiceAccount",
      "--encryption-provider-config",
      configPath,
    ],
    "skiff server ready",
  );
  return new Kubectl({
    version: "1.32",
    kubeconfig: join(dataDir, "kubeconfig"),
    cacheDir: join(dir.path, "cache"),
  });
}

test("a Secret is ciphertext on disk and plain to kubectl; key rotation rewrites it", async () => {
  writeConfig([{ name: "key1", n: 1 }]);
  let k = await startServer();
  await k.ok("create", "secret", "generic", "s1", `--from-literal=password=${secretValue}`);
  const read = await k.ok("get", "secret", "s1", "-o", "jsonpath={.data.password}");
  assert.equal(Buffer.from(read, "base64").toString(), secretValue);
  // ConfigMaps are not named in the config: stored as they are.
  await k.ok("create", "configmap", "c1", "--from-literal=x=visible-config");
  // The server holds the database exclusively: read the file once it has stopped.
  await child?.stop();
  assert.match(rawValue("secrets/default/s1"), /^k8s:enc:aescbc:v1:key1:/);
  assert.equal(onDisk(secretValue), false);
  assert.equal(onDisk(Buffer.from(secretValue).toString("base64")), false);
  assert.match(rawValue("configmaps/default/c1"), /^\{/);
  assert.equal(onDisk("visible-config"), true);

  // Rotation: the new key goes first, the old one stays readable; the restart rewrites.
  writeConfig([
    { name: "key2", n: 2 },
    { name: "key1", n: 1 },
  ]);
  k = await startServer();
  const again = await k.ok("get", "secret", "s1", "-o", "jsonpath={.data.password}");
  assert.equal(Buffer.from(again, "base64").toString(), secretValue);
  await child?.stop();
  assert.match(rawValue("secrets/default/s1"), /^k8s:enc:aescbc:v1:key2:/);

  // Old key removed: still readable, because everything was rewritten under key2.
  writeConfig([{ name: "key2", n: 2 }]);
  k = await startServer();
  const last = await k.ok("get", "secret", "s1", "-o", "jsonpath={.data.password}");
  assert.equal(Buffer.from(last, "base64").toString(), secretValue);
});
