import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { isSignificantPodUpdate } from "./update.ts";

const base: Pod = {
  metadata: { name: "p", labels: { a: "1" } },
  spec: { containers: [{ name: "c", image: "nginx" }] },
};

test("metadata and status changes are not significant", () => {
  assert.equal(isSignificantPodUpdate({ ...base, metadata: { name: "p", labels: { a: "2" } } }, base), false);
  assert.equal(isSignificantPodUpdate({ ...base, status: { phase: "Running" } }, base), false);
});

test("images, container counts, seccomp annotations and new ephemeral containers are", () => {
  const image: Pod = { ...base, spec: { containers: [{ name: "c", image: "busybox" }] } };
  assert.equal(isSignificantPodUpdate(image, base), true);
  const more: Pod = { ...base, spec: { containers: [...(base.spec?.containers ?? []), { name: "d" }] } };
  assert.equal(isSignificantPodUpdate(more, base), true);
  const seccomp: Pod = {
    ...base,
    metadata: {
      name: "p",
      annotations: { "container.seccomp.security.alpha.kubernetes.io/c": "unconfined" },
    },
  };
  assert.equal(isSignificantPodUpdate(seccomp, base), true);
  const debug: Pod = {
    ...base,
    spec: { ...base.spec, containers: base.spec?.containers ?? [], ephemeralContainers: [{ name: "dbg" }] },
  };
  assert.equal(isSignificantPodUpdate(debug, base), true);
  assert.equal(isSignificantPodUpdate(debug, debug), false);
});
