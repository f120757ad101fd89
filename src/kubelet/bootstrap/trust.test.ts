import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, createHmac, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { caCertHash, JoinTrustError, matchesPin, parseBootstrapToken, verifyDetachedJws } from "./trust.ts";

function selfSignedCa(): string {
  const dir = mkdtempSync(join(tmpdir(), "skj-trust-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        join(dir, "k"),
        "-out",
        join(dir, "c"),
        "-subj",
        "/CN=test-ca",
        "-days",
        "1",
      ],
      { stdio: "ignore" },
    );
    return readFileSync(join(dir, "c"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a bootstrap token splits into id and secret; other shapes are refused", () => {
  assert.deepEqual(parseBootstrapToken("abcdef.0123456789abcdef"), {
    id: "abcdef",
    secret: "0123456789abcdef",
  });
  for (const bad of ["abcdef0123456789abcdef", "ABCDEF.0123456789abcdef", "abcde.0123456789abcdef", ""]) {
    assert.throws(() => parseBootstrapToken(bad), JoinTrustError);
  }
});

test("the CA pin is sha256 over the DER SubjectPublicKeyInfo, as kubeadm computes it", () => {
  const ca = selfSignedCa();
  const spki = new X509Certificate(ca).publicKey.export({ type: "spki", format: "der" });
  const expected = `sha256:${createHash("sha256").update(spki).digest("hex")}`;
  assert.equal(caCertHash(ca), expected);
  // openssl's view of the same key: pkey -pubin -outform der | sha256.
  const viaOpenssl = execFileSync(
    "sh",
    ["-c", "openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | sha256sum"],
    {
      input: ca,
    },
  )
    .toString()
    .split(" ")[0];
  assert.equal(expected, `sha256:${viaOpenssl}`);
  assert.equal(matchesPin(ca, [expected.toUpperCase().replace("SHA256", "sha256")]), true);
  assert.equal(matchesPin(ca, [`sha256:${"0".repeat(64)}`]), false);
  assert.throws(() => matchesPin(ca, ["md5:abc"]), JoinTrustError);
});

test("a detached HS256 JWS keyed by the token verifies only with that token and payload", () => {
  const token = { id: "abcdef", secret: "0123456789abcdef" };
  const header = Buffer.from(JSON.stringify({ alg: "HS256", kid: "abcdef" })).toString("base64url");
  const payload = "apiVersion: v1\nkind: Config\n";
  const sig = createHmac("sha256", "abcdef.0123456789abcdef")
    .update(`${header}.${Buffer.from(payload).toString("base64url")}`)
    .digest("base64url");
  const jws = `${header}..${sig}`;
  assert.equal(verifyDetachedJws(payload, jws, token), true);
  assert.equal(verifyDetachedJws(`${payload}x`, jws, token), false);
  assert.equal(verifyDetachedJws(payload, jws, { ...token, secret: "0123456789abcdee" }), false);
  assert.equal(verifyDetachedJws(payload, jws, { ...token, id: "abcdeg" }), false, "kid must name the token");
  const none = `${Buffer.from(JSON.stringify({ alg: "none", kid: "abcdef" })).toString("base64url")}..`;
  assert.equal(verifyDetachedJws(payload, none, token), false);
  assert.equal(verifyDetachedJws(payload, "garbage", token), false);
});
