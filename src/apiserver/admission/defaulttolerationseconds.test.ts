import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { AdmissionAttributes } from "../admission.ts";
import { defaultTolerationSecondsAdmission } from "./defaulttolerationseconds.ts";

function attrs(object: KubeObject, operation: "CREATE" | "UPDATE" = "CREATE"): AdmissionAttributes {
  return {
    def: { group: "", resource: "pods" } as ResourceDef,
    operation,
    subresource: "",
    namespace: "default",
    name: "p",
    object,
    oldObject: undefined,
    user: { name: "u", groups: [] },
    dryRun: false,
  };
}

test("adds 300 s not-ready and unreachable tolerations unless the pod tolerates them already", async () => {
  const plugin = defaultTolerationSecondsAdmission();
  const pod: KubeObject = {
    metadata: { name: "p" },
    spec: {
      tolerations: [{ key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 5 }],
    },
  };
  await plugin.admit?.(attrs(pod));
  assert.deepEqual((pod.spec as { tolerations: unknown[] }).tolerations, [
    { key: "node.kubernetes.io/unreachable", operator: "Exists", tolerationSeconds: 5 },
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  ]);
  const tolerant: KubeObject = { metadata: { name: "q" }, spec: { tolerations: [{ operator: "Exists" }] } };
  await plugin.admit?.(attrs(tolerant));
  assert.deepEqual((tolerant.spec as { tolerations: unknown[] }).tolerations, [{ operator: "Exists" }]);
  const updated: KubeObject = { metadata: { name: "r" }, spec: {} };
  await plugin.admit?.(attrs(updated, "UPDATE"));
  assert.deepEqual(updated.spec, {});
});
