import assert from "node:assert/strict";
import { test } from "node:test";
import { coreV1Resources } from "../../api/core/index.ts";
import type { KubeObject } from "../../api/object.ts";
import type { AdmissionAttributes } from "../admission.ts";
import { nodeRestriction } from "./noderestriction.ts";

const def = (resource: string) =>
  coreV1Resources.find((d) => d.resource === resource) ?? assert.fail(resource);
const kubelet = { name: "system:node:n1", groups: ["system:nodes", "system:authenticated"] };
const plugin = nodeRestriction();

function check(over: Partial<AdmissionAttributes>): void {
  const attrs: AdmissionAttributes = {
    def: def("pods"),
    operation: "CREATE",
    subresource: "",
    namespace: "ns",
    name: "p",
    object: undefined,
    oldObject: undefined,
    user: kubelet,
    dryRun: false,
    ...over,
  };
  void plugin.validate?.(attrs);
}

const pod = (node: string, mirror = false): KubeObject => ({
  metadata: {
    name: "p",
    namespace: "ns",
    ...(mirror ? { annotations: { "kubernetes.io/config.mirror": "x" } } : {}),
  },
  spec: { nodeName: node, containers: [] },
});

test("kubelets create only their mirror pods and touch only their own pods and node", () => {
  check({ object: pod("n1", true) });
  assert.throws(() => check({ object: pod("n1") }), /node "n1" can only create mirror pods/);
  assert.throws(
    () => check({ object: pod("n2", true) }),
    /can only create pods with spec.nodeName set to itself/,
  );
  check({ operation: "DELETE", oldObject: pod("n1") });
  assert.throws(
    () => check({ operation: "DELETE", oldObject: pod("n2") }),
    /pods "p" is forbidden: node "n1" can only delete pods/,
  );
  check({ operation: "UPDATE", subresource: "status", object: pod("n1"), oldObject: pod("n1") });
  assert.throws(
    () => check({ operation: "UPDATE", subresource: "status", object: pod("n2"), oldObject: pod("n2") }),
    /update pod status/,
  );
  check({ def: def("nodes"), operation: "UPDATE", name: "n1", object: { metadata: { name: "n1" } } });
  assert.throws(
    () => check({ def: def("nodes"), name: "n2", object: { metadata: { name: "n2" } } }),
    /not allowed to modify node "n2"/,
  );
  // Anyone else is not this plugin's business.
  check({ user: { name: "alice", groups: [] }, object: pod("n2") });
});
