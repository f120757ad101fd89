// A small Registry (pods, namespaces, deployments with status and scale) for the OpenAPI tests.
import { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";

const def = (d: Omit<ResourceDef, "strategy">): ResourceDef => ({ ...d, strategy: {} });
export function testRegistry(): Registry {
  return new Registry().add(
    def({
      group: "",
      version: "v1",
      resource: "pods",
      singular: "pod",
      kind: "Pod",
      namespaced: true,
      shortNames: ["po"],
      hasStatus: true,
    }),
    def({
      group: "",
      version: "v1",
      resource: "namespaces",
      singular: "namespace",
      kind: "Namespace",
      namespaced: false,
      shortNames: ["ns"],
    }),
    def({
      group: "apps",
      version: "v1",
      resource: "deployments",
      singular: "deployment",
      kind: "Deployment",
      namespaced: true,
      shortNames: ["deploy"],
      hasStatus: true,
      scale: { specReplicasPath: "spec.replicas", statusReplicasPath: "status.replicas" },
    }),
  );
}
