import assert from "node:assert/strict";
import { after, test } from "node:test";
import { tempDir } from "../../../test/support/tempdir.ts";
import { SqliteStore } from "../../storage/sqlite/sqlite-store.ts";
import { parseEncryptionConfig } from "./config.ts";
import { EncryptingStore } from "./store.ts";

const dir = tempDir();
after(() => dir.remove());
const resources = [
  { prefix: "secrets", group: "", resource: "secrets" },
  { prefix: "configmaps", group: "", resource: "configmaps" },
  { prefix: "apps/deployments", group: "apps", resource: "deployments" },
];
const key = (n: number) => Buffer.alloc(32, n).toString("base64");
const config = (providers: string) => `
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets, "*.apps"]
    providers:
${providers}
`;

test("values of named resources are stored with upstream's prefix and read back in plain", async () => {
  const inner = SqliteStore.open({ path: `${dir.path}/a.db`, compaction: false });
  const rules = parseEncryptionConfig(
    config(`      - aescbc: {keys: [{name: key1, secret: "${key(1)}"}]}\n      - identity: {}`),
  );
  const store = new EncryptingStore(inner, rules, resources);
  const created = await store.create("secrets/ns/s", '{"data":{"a":"c2VjcmV0"}}');
  assert.equal(created.value, '{"data":{"a":"c2VjcmV0"}}');
  const raw = await inner.get("secrets/ns/s");
  assert.match(raw?.value ?? "", /^k8s:enc:aescbc:v1:key1:/);
  assert.doesNotMatch(raw?.value ?? "", /c2VjcmV0/);
  assert.equal((await store.get("secrets/ns/s"))?.value, '{"data":{"a":"c2VjcmV0"}}');
  await store.create("apps/deployments/ns/d", "{}");
  assert.match((await inner.get("apps/deployments/ns/d"))?.value ?? "", /^k8s:enc:aescbc:v1:key1:/);
  await store.create("configmaps/ns/c", '{"x":1}');
  assert.equal((await inner.get("configmaps/ns/c"))?.value, '{"x":1}');
  assert.deepEqual(
    (await store.list("secrets/")).kvs.map((kv) => kv.value),
    ['{"data":{"a":"c2VjcmV0"}}'],
  );
  await store.close();
});

test("rotation: a new first key reads old values and rewriteStale re-encrypts them", async () => {
  const inner = SqliteStore.open({ path: `${dir.path}/b.db`, compaction: false });
  const one = new EncryptingStore(
    inner,
    parseEncryptionConfig(config(`      - aesgcm: {keys: [{name: old, secret: "${key(1)}"}]}`)),
    resources,
  );
  await one.create("secrets/ns/s", '{"v":1}');
  await inner.create("secrets/ns/plain", '{"v":2}');
  assert.match((await inner.get("secrets/ns/s"))?.value ?? "", /^k8s:enc:aesgcm:v1:old:/);
  const two = new EncryptingStore(
    inner,
    parseEncryptionConfig(
      config(`      - aesgcm: {keys: [{name: new, secret: "${key(2)}"}, {name: old, secret: "${key(1)}"}]}`),
    ),
    resources,
  );
  assert.equal((await two.get("secrets/ns/s"))?.value, '{"v":1}');
  assert.equal(await two.rewriteStale(), 2);
  assert.match((await inner.get("secrets/ns/s"))?.value ?? "", /^k8s:enc:aesgcm:v1:new:/);
  assert.match((await inner.get("secrets/ns/plain"))?.value ?? "", /^k8s:enc:aesgcm:v1:new:/);
  assert.equal(await two.rewriteStale(), 0);
  // Without the old key the old ciphertext is unreadable.
  await one.create("secrets/ns/late", '{"v":3}');
  const three = new EncryptingStore(
    inner,
    parseEncryptionConfig(config(`      - aesgcm: {keys: [{name: new, secret: "${key(2)}"}]}`)),
    resources,
  );
  assert.equal((await three.get("secrets/ns/s"))?.value, '{"v":1}');
  await assert.rejects(() => three.get("secrets/ns/late"), /no matching prefix found/);
  await inner.close();
});

test("secretbox keys must be 32 bytes", () => {
  assert.throws(
    () =>
      parseEncryptionConfig(
        config(`      - secretbox: {keys: [{name: k, secret: "${Buffer.alloc(16).toString("base64")}"}]}`),
      ),
    /got 16, expected one of \[32\]/,
  );
});

test("configs with unknown providers or short keys are refused", () => {
  assert.throws(
    () => parseEncryptionConfig(config("      - kms: {name: x}")),
    /provider kms is not supported/,
  );
  assert.throws(
    () =>
      parseEncryptionConfig(
        config(`      - aescbc: {keys: [{name: k, secret: "${Buffer.alloc(5).toString("base64")}"}]}`),
      ),
    /secret is not of the expected length, got 5/,
  );
});
