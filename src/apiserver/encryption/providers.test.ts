import assert from "node:assert/strict";
import { test } from "node:test";
import { aescbcProvider, aesgcmProvider, identityProvider, secretboxProvider } from "./providers.ts";

const keys = [{ name: "k1", secret: Buffer.alloc(32, 7) }];

test("aescbc and aesgcm round-trip under upstream's prefixes, with fresh IVs", () => {
  for (const [p, prefix] of [
    [aescbcProvider(keys), "k8s:enc:aescbc:v1:k1:"],
    [aesgcmProvider(keys), "k8s:enc:aesgcm:v1:k1:"],
    [secretboxProvider(keys), "k8s:enc:secretbox:v1:k1:"],
  ] as const) {
    const a = p.encrypt('{"a":1}', "secrets/ns/x");
    const b = p.encrypt('{"a":1}', "secrets/ns/x");
    assert.ok(a.startsWith(prefix));
    assert.notEqual(a, b);
    assert.equal(p.decrypt(a, "secrets/ns/x"), '{"a":1}');
    assert.equal(p.current(a), true);
    assert.equal(identityProvider.decrypt(a, "secrets/ns/x"), undefined);
  }
});

test("aesgcm binds the value to its key: copied elsewhere it does not decrypt", () => {
  const p = aesgcmProvider(keys);
  const v = p.encrypt("{}", "secrets/ns/a");
  assert.throws(() => p.decrypt(v, "secrets/ns/b"));
});
