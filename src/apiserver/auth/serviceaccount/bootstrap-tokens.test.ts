import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../api/object.ts";
import { bootstrapTokenAuthenticator } from "./bootstrap-tokens.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

test("bootstrap tokens: id.secret against kube-system/bootstrap-token-<id>, usage and expiry", async () => {
  let secret: Record<string, unknown> = {
    metadata: { name: "bootstrap-token-abcdef", namespace: "kube-system" },
    type: "bootstrap.kubernetes.io/token",
    data: {
      "token-id": b64("abcdef"),
      "token-secret": b64("0123456789abcdef"),
      "usage-bootstrap-authentication": b64("true"),
      "auth-extra-groups": b64("system:bootstrappers:worker,evil"),
      expiration: b64("2030-01-01T00:00:00Z"),
    },
  };
  const now = new Date("2029-06-01T00:00:00Z");
  let clock = now;
  const authn = bootstrapTokenAuthenticator(
    {
      get: (_r, ns, name) =>
        ns === "kube-system" && name === "bootstrap-token-abcdef" ? (secret as KubeObject) : undefined,
    },
    () => clock,
  );
  assert.deepEqual(await authn.authenticateToken("abcdef.0123456789abcdef"), {
    name: "system:bootstrap:abcdef",
    groups: ["system:bootstrappers", "system:bootstrappers:worker"],
  });
  assert.equal(await authn.authenticateToken("abcdef.0123456789abcdee"), undefined);
  assert.equal(await authn.authenticateToken("abcdef0123456789abcdef"), undefined);
  clock = new Date("2031-01-01T00:00:00Z");
  assert.equal(await authn.authenticateToken("abcdef.0123456789abcdef"), undefined);
  clock = now;
  secret = { ...secret, type: "Opaque" };
  assert.equal(await authn.authenticateToken("abcdef.0123456789abcdef"), undefined);
});
