import assert from "node:assert/strict";
import { test } from "node:test";
import { namespaces } from "../api/core/namespace.ts";
import { pods } from "../api/core/pod.ts";
import type { ResourceDef } from "../api/resource.ts";
import type { AdmissionAttributes } from "./admission.ts";
import { namespaceLifecycle } from "./namespacelifecycle.ts";

const attrs = (
  def: ResourceDef,
  name: string,
  operation: AdmissionAttributes["operation"] = "DELETE",
): AdmissionAttributes => ({
  def,
  operation,
  subresource: "",
  namespace: "",
  name,
  object: undefined,
  oldObject: undefined,
  user: { name: "admin", groups: [] },
  dryRun: false,
});

test("the seed namespaces may not be deleted; others, and other kinds, may", () => {
  for (const name of ["default", "kube-system", "kube-public", "kube-node-lease"]) {
    assert.throws(() => namespaceLifecycle.validate?.(attrs(namespaces as ResourceDef, name)), {
      message: `namespaces "${name}" is forbidden: this namespace may not be deleted`,
      code: 403,
    });
  }
  assert.doesNotThrow(() => namespaceLifecycle.validate?.(attrs(namespaces as ResourceDef, "team")));
  assert.doesNotThrow(() => namespaceLifecycle.validate?.(attrs(pods as ResourceDef, "default")));
  assert.doesNotThrow(() =>
    namespaceLifecycle.validate?.(attrs(namespaces as ResourceDef, "default", "UPDATE")),
  );
});
