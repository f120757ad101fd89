// Test helpers for the policy modules: admission attributes for a request and policy/binding objects.
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from "../../../api/admissionregistration/policies.ts";
import type { KubeObject } from "../../../api/object.ts";
import type { ResourceDef } from "../../../api/resource.ts";
import type { AdmissionAttributes } from "../../admission.ts";

export function attributes(options: {
  group?: string;
  resource?: string;
  namespaced?: boolean;
  operation?: AdmissionAttributes["operation"];
  name?: string;
  namespace?: string;
  object?: KubeObject;
  oldObject?: KubeObject;
}): AdmissionAttributes {
  const def = {
    group: options.group ?? "apps",
    version: "v1",
    resource: options.resource ?? "deployments",
    kind: "Deployment",
    singular: "deployment",
    namespaced: options.namespaced ?? true,
    strategy: {},
  } as ResourceDef;
  return {
    def,
    operation: options.operation ?? "CREATE",
    subresource: "",
    namespace: options.namespace ?? "default",
    name: options.name ?? "web",
    object: options.object,
    oldObject: options.oldObject,
    user: { name: "alice", groups: ["devs", "system:authenticated"] },
    dryRun: false,
    warnings: [],
  };
}

export function policy(spec: ValidatingAdmissionPolicy["spec"], name = "p"): ValidatingAdmissionPolicy {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name, uid: name },
    spec,
  };
}

export function binding(
  spec: ValidatingAdmissionPolicyBinding["spec"],
  name = "b",
): ValidatingAdmissionPolicyBinding {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name },
    spec,
  };
}
