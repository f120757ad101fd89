import assert from "node:assert/strict";
import { test } from "node:test";
import { authFor, pullPolicy, registryOf } from "./images.ts";

test("pull policy defaults: untagged and :latest pull Always, a tag or digest IfNotPresent", () => {
  assert.equal(pullPolicy({ name: "c", image: "busybox" }), "Always");
  assert.equal(pullPolicy({ name: "c", image: "busybox:latest" }), "Always");
  assert.equal(pullPolicy({ name: "c", image: "localhost:5000/busybox" }), "Always");
  assert.equal(pullPolicy({ name: "c", image: "localhost:5000/busybox:1" }), "IfNotPresent");
  assert.equal(pullPolicy({ name: "c", image: "busybox@sha256:abc" }), "IfNotPresent");
  assert.equal(pullPolicy({ name: "c", image: "busybox", imagePullPolicy: "Never" }), "Never");
});

test("registry credentials come from a dockerconfigjson secret for the image's registry", () => {
  assert.equal(registryOf("busybox"), "docker.io");
  assert.equal(registryOf("127.0.0.1:5000/x/y:1"), "127.0.0.1:5000");
  const config = { auths: { "127.0.0.1:5000": { auth: Buffer.from("skiff:s3cret").toString("base64") } } };
  const secret = { data: { ".dockerconfigjson": Buffer.from(JSON.stringify(config)).toString("base64") } };
  assert.deepEqual(authFor("127.0.0.1:5000/busybox:1", [secret]), {
    username: "skiff",
    password: "s3cret",
    serverAddress: "127.0.0.1:5000",
  });
  assert.equal(authFor("other.example/busybox:1", [secret]), undefined);
});
