import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { after, test } from "node:test";
import { parse } from "yaml";
import { tempDir } from "../../../test/support/tempdir.ts";
import { EncryptionConfigError, parseEncryptionConfig } from "./config.ts";
import { ensureManagedConfig, managedConfigPath, pruneManagedKeys, rotateManagedKeys } from "./managed.ts";

const dir = tempDir("skiff-managed-enc-");
after(() => dir.remove());

const keyNames = (path: string): string[] =>
  (
    parse(readFileSync(path, "utf8")) as {
      resources: { providers: { aesgcm?: { keys: { name: string }[] } }[] }[];
    }
  ).resources[0]?.providers[0]?.aesgcm?.keys.map((k) => k.name) ?? [];

test("the managed config: one AES-GCM key for secrets, then identity; private; kept across starts", () => {
  const path = ensureManagedConfig(dir.path, new Date("2026-11-27T21:00:00Z"));
  assert.equal(path, managedConfigPath(dir.path));
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const rules = parseEncryptionConfig(readFileSync(path, "utf8"));
  assert.deepEqual(rules[0]?.resources, ["secrets"]);
  const [first] = keyNames(path);
  assert.match(first ?? "", /^aesgcm-20261127T210000Z-[0-9a-f]{6}$/);
  ensureManagedConfig(dir.path);
  assert.deepEqual(keyNames(path), [first]);
});

test("rotation puts a new key first and keeps the old; pruning keeps only the first", () => {
  const path = managedConfigPath(dir.path);
  const [old] = keyNames(path);
  const rotated = rotateManagedKeys(dir.path);
  assert.equal(rotated.keys, 2);
  assert.deepEqual(keyNames(path), [rotated.added, old]);
  assert.deepEqual(pruneManagedKeys(path), [old]);
  assert.deepEqual(keyNames(path), [rotated.added]);
  assert.deepEqual(pruneManagedKeys(path), []);
});

test("rotation without a managed config, or of a foreign one, is a clear error", () => {
  const empty = tempDir("skiff-managed-enc-none-");
  try {
    assert.throws(() => rotateManagedKeys(empty.path), /start skiff server with --secrets-encryption first/);
    writeFileSync(managedConfigPath(empty.path), "apiVersion: v1\nkind: Foo\n");
    assert.throws(() => rotateManagedKeys(empty.path), EncryptionConfigError);
  } finally {
    empty.remove();
  }
});
