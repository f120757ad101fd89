import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../api/object.ts";
import { generateSigningKey } from "./keys.ts";
import { ServiceAccountTokens } from "./tokens.ts";

test("bound tokens: audience, service account uid and bound pod are checked on every use", async () => {
  const objects = new Map<string, KubeObject>([
    ["serviceaccounts/ns/robot", { metadata: { name: "robot", namespace: "ns", uid: "sa-1" } }],
    ["pods/ns/p", { metadata: { name: "p", namespace: "ns", uid: "pod-1" } }],
  ]);
  const tokens = new ServiceAccountTokens(generateSigningKey(), {
    get: (resource, ns, name) => objects.get(`${resource}/${ns}/${name}`),
  });
  const now = new Date();
  const { token, expiration } = await tokens.issue({
    namespace: "ns",
    serviceAccount: { name: "robot", uid: "sa-1" },
    audiences: [tokens.issuer],
    expirationSeconds: 3600,
    bound: { kind: "Pod", name: "p", uid: "pod-1" },
    now,
  });
  assert.equal(expiration.getTime(), Math.floor(now.getTime() / 1000) * 1000 + 3600_000);
  const user = await tokens.authenticateToken(token);
  assert.equal(user?.name, "system:serviceaccount:ns:robot");
  assert.deepEqual(user?.groups, ["system:serviceaccounts", "system:serviceaccounts:ns"]);
  assert.deepEqual(user?.extra?.["authentication.kubernetes.io/pod-uid"], ["pod-1"]);
  assert.equal(await tokens.authenticateToken(token, ["vault"]), undefined);
  // Another key's token, garbage and a tampered signature are not ours.
  const stranger = new ServiceAccountTokens(generateSigningKey(), { get: () => undefined });
  const foreign = await stranger.issue({
    namespace: "ns",
    serviceAccount: { name: "robot", uid: "sa-1" },
    audiences: [tokens.issuer],
    expirationSeconds: 600,
    now,
  });
  assert.equal(await tokens.authenticateToken(foreign.token), undefined);
  assert.equal(await tokens.authenticateToken("not-a-jwt"), undefined);
  assert.equal(await tokens.authenticateToken(`${token.slice(0, -4)}AAAA`), undefined);
  // The pod recreated under the same name (new uid), then gone.
  objects.set("pods/ns/p", { metadata: { name: "p", namespace: "ns", uid: "pod-2" } });
  assert.equal(await tokens.authenticateToken(token), undefined);
  objects.delete("pods/ns/p");
  assert.equal(await tokens.authenticateToken(token), undefined);
  // An expired token.
  const old = await tokens.issue({
    namespace: "ns",
    serviceAccount: { name: "robot", uid: "sa-1" },
    audiences: [tokens.issuer],
    expirationSeconds: 600,
    now: new Date(now.getTime() - 3600_000),
  });
  assert.equal(await tokens.authenticateToken(old.token), undefined);
});

test("legacy secret tokens authenticate while the secret holds them", async () => {
  const objects = new Map<string, KubeObject>([
    ["serviceaccounts/ns/robot", { metadata: { name: "robot", namespace: "ns", uid: "sa-1" } }],
  ]);
  const tokens = new ServiceAccountTokens(generateSigningKey(), {
    get: (resource, ns, name) => objects.get(`${resource}/${ns}/${name}`),
  });
  const token = await tokens.issueLegacy("ns", { name: "robot", uid: "sa-1" }, "robot-token");
  assert.equal(await tokens.authenticateToken(token), undefined);
  objects.set("secrets/ns/robot-token", {
    metadata: { name: "robot-token" },
    data: { token: Buffer.from(token).toString("base64") },
  } as KubeObject);
  assert.equal((await tokens.authenticateToken(token))?.name, "system:serviceaccount:ns:robot");
});
