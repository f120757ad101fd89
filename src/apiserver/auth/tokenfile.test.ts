import assert from "node:assert/strict";
import { test } from "node:test";
import { createAuthenticator } from "./authn.ts";
import { parseTokenFile } from "./tokenfile.ts";

test("token file lines with quoted groups", () => {
  const tokens = parseTokenFile('# comment\nabc,alice,1,"dev,ops"\nxyz,bob\n');
  assert.deepEqual(tokens.get("abc"), { name: "alice", uid: "1", groups: ["dev", "ops"] });
  assert.deepEqual(tokens.get("xyz"), { name: "bob", groups: [] });
  assert.throws(() => parseTokenFile("onlytoken\n"), /line 1/);
});

test("bearer tokens and client certificates authenticate; unknown tokens are 401", async () => {
  const authn = createAuthenticator({ tokens: parseTokenFile("t1,alice,,admins\n") });
  const base = { method: "GET", url: "/api", body: [] };
  assert.deepEqual((await authn.authenticate({ ...base, headers: { authorization: "Bearer t1" } }))?.groups, [
    "admins",
    "system:authenticated",
  ]);
  await assert.rejects(async () =>
    authn.authenticate({ ...base, headers: { authorization: "Bearer nope" } }),
  );
  const cert = await authn.authenticate({
    ...base,
    headers: {},
    peerCertificate: { commonName: "admin", organizations: ["system:masters"] },
  });
  assert.equal(cert?.name, "admin");
  assert.equal(await authn.authenticate({ ...base, headers: {} }), undefined);
});
