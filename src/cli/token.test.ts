import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { clusterInfoKubeconfig, parseDuration, tokenSecret } from "./token.ts";

test("Go durations", () => {
  assert.equal(parseDuration("24h"), 86_400_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("0"), 0);
  for (const bad of ["", "24", "1d", "h", "10m x"]) assert.throws(() => parseDuration(bad));
});

test("the token Secret carries kubeadm's fields; a ttl of 0 never expires", () => {
  const now = new Date("2026-01-01T00:00:00.500Z");
  const s = tokenSecret("abcdef", "0123456789abcdef", {
    ttl: "1h",
    groups: ["system:bootstrappers:skiff:default-node-token"],
    description: "d",
    now,
  });
  assert.equal(s.metadata?.name, "bootstrap-token-abcdef");
  assert.equal(s.type, "bootstrap.kubernetes.io/token");
  assert.deepEqual(s.stringData, {
    "token-id": "abcdef",
    "token-secret": "0123456789abcdef",
    "usage-bootstrap-authentication": "true",
    "usage-bootstrap-signing": "true",
    "auth-extra-groups": "system:bootstrappers:skiff:default-node-token",
    expiration: "2026-01-01T01:00:00Z",
    description: "d",
  });
  assert.equal(
    tokenSecret("abcdef", "0123456789abcdef", { ttl: "0", groups: [] }).stringData?.expiration,
    undefined,
  );
});

test("cluster-info is a kubeconfig with one cluster and no users", () => {
  const doc = parse(clusterInfoKubeconfig("https://10.0.0.1:6443", "PEM"));
  assert.equal(doc.clusters[0].cluster.server, "https://10.0.0.1:6443");
  assert.equal(
    Buffer.from(doc.clusters[0].cluster["certificate-authority-data"], "base64").toString(),
    "PEM",
  );
  assert.equal(doc.users, null);
});
