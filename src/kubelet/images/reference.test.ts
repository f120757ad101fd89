import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidReferenceError, normalizeReference, parseReference } from "./reference.ts";

test("references normalize as Docker and containerd do", () => {
  const cases: [string, string][] = [
    ["busybox", "docker.io/library/busybox:latest"],
    ["busybox:1.36", "docker.io/library/busybox:1.36"],
    ["library/busybox", "docker.io/library/busybox:latest"],
    ["team/app:v1", "docker.io/team/app:v1"],
    ["index.docker.io/team/app", "docker.io/team/app:latest"],
    ["skiff.local/pause:3.9", "skiff.local/pause:3.9"],
    ["localhost/app", "localhost/app:latest"],
    ["127.0.0.1:5000/busybox:1", "127.0.0.1:5000/busybox:1"],
    ["reg.example:443/a/b/c", "reg.example:443/a/b/c:latest"],
    [`busybox@sha256:${"a".repeat(64)}`, `docker.io/library/busybox@sha256:${"a".repeat(64)}`],
    [`busybox:1@sha256:${"b".repeat(64)}`, `docker.io/library/busybox:1@sha256:${"b".repeat(64)}`],
  ];
  for (const [input, expected] of cases) assert.equal(normalizeReference(input), expected, input);
  assert.deepEqual(parseReference("127.0.0.1:5000/busybox"), {
    domain: "127.0.0.1:5000",
    path: "busybox",
    tag: "latest",
  });
});

test("malformed references are refused", () => {
  for (const bad of ["", "Busybox", "busybox:", "busybox@sha256:abc", "a//b", "busybox:-x", "UPPER/case"]) {
    assert.throws(() => parseReference(bad), InvalidReferenceError, bad);
  }
});
