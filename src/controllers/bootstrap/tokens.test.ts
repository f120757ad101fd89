import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import type { Secret } from "kubernetes-types/core/v1.js";
import { detachedSignature } from "./signer.ts";
import { expired, signedData, tokenOf } from "./tokens.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");

function secret(id: string, extra: Record<string, string> = {}, name = `bootstrap-token-${id}`): Secret {
  const data: Record<string, string> = {
    "token-id": id,
    "token-secret": "0123456789abcdef",
    "usage-bootstrap-signing": "true",
    ...extra,
  };
  return {
    metadata: { name, namespace: "kube-system" },
    type: "bootstrap.kubernetes.io/token",
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
  };
}

test("a bootstrap token Secret is read with its expiry and signing usage; malformed ones are not", () => {
  const t = tokenOf(secret("abcdef", { expiration: "2030-01-01T00:00:00Z" }));
  assert.deepEqual(t, {
    id: "abcdef",
    secret: "0123456789abcdef",
    expires: Date.parse("2030-01-01T00:00:00Z"),
    signing: true,
  });
  assert.equal(expired(t as NonNullable<typeof t>, new Date("2031-01-01")), true);
  assert.equal(expired(t as NonNullable<typeof t>, new Date("2029-01-01")), false);
  assert.equal(tokenOf(secret("abcdef", {}, "bootstrap-token-other")), undefined, "name must match the id");
  assert.equal(tokenOf({ ...secret("abcdef"), type: "Opaque" }), undefined);
  assert.equal(tokenOf(secret("ABCDEF")), undefined);
  const bad = tokenOf(secret("abcdef", { expiration: "soon" }));
  assert.equal(bad && expired(bad, new Date(0)), true, "an unparseable expiration counts as expired");
});

test("cluster-info gets one signature per live token and loses the others", () => {
  const cm = { metadata: { name: "cluster-info" }, data: { kubeconfig: "k", "jws-kubeconfig-old000": "x" } };
  const tokens = [{ id: "abcdef", secret: "0123456789abcdef", signing: true }];
  const data = signedData(cm, tokens, detachedSignature);
  assert.deepEqual(Object.keys(data).sort(), ["jws-kubeconfig-abcdef", "kubeconfig"]);
  // RFC 7515 detached content: header..signature, HMAC-SHA256 over header.base64url(payload).
  const [header, empty, sig] = (data["jws-kubeconfig-abcdef"] ?? "").split(".");
  assert.equal(empty, "");
  assert.deepEqual(JSON.parse(Buffer.from(header ?? "", "base64url").toString()), {
    alg: "HS256",
    kid: "abcdef",
  });
  const expected = createHmac("sha256", "abcdef.0123456789abcdef")
    .update(`${header}.${Buffer.from("k").toString("base64url")}`)
    .digest("base64url");
  assert.equal(sig, expected);
});
