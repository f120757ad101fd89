// The Node authorizer: a kubelet (`system:node:<name>` in group `system:nodes`) may read only the
// secrets, configmaps and PVCs its pods use, request tokens only for its pods' service accounts,
// touch only its own Lease, and otherwise has the static system:node rules.
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import type { Attributes, DecisionAuthorizer, DecisionResult } from "../attributes.ts";
import { bootstrapClusterRoles } from "../bootstrap-roles.ts";
import { ruleAllows } from "../rbac/rules.ts";
import type { UserInfo } from "../user.ts";
import type { NodeGraph, RefKind } from "./graph.ts";

export const nodesGroup = "system:nodes";
const nodeUserPrefix = "system:node:";

/** The node name of a kubelet identity, or undefined for anyone else. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.groups.includes(nodesGroup) || !user.name.startsWith(nodeUserPrefix)) return undefined;
  const name = user.name.slice(nodeUserPrefix.length);
  return name === "" ? undefined : name;
}

const noOpinion = (reason = ""): DecisionResult => ({ decision: "noOpinion", reason });
const allow: DecisionResult = { decision: "allow", reason: "" };

export class NodeAuthorizer implements DecisionAuthorizer {
  /** The system:node rules for everything the graph does not subdivide. */
  readonly staticRules: readonly PolicyRule[];

  constructor(private readonly graph: NodeGraph) {
    this.staticRules = bootstrapClusterRoles().find((r) => r.metadata?.name === "system:node")?.rules ?? [];
  }

  decide(a: Attributes): DecisionResult {
    const node = nodeIdentity(a.user);
    if (node === undefined) return noOpinion();
    if (a.isResourceRequest && a.apiGroup === "") {
      switch (a.resource) {
        case "secrets":
        case "configmaps":
          return this.readRelated(node, a, a.resource);
        case "persistentvolumeclaims":
          if (a.subresource === "status")
            return this.related(node, a, "persistentvolumeclaims", ["get", "update", "patch"]);
          return this.readRelated(node, a, "persistentvolumeclaims");
        case "serviceaccounts":
          if (a.subresource !== "token" || a.verb !== "create")
            return noOpinion(`can only create tokens for individual service accounts`);
          return this.related(node, a, "serviceaccounts", ["create"]);
      }
    }
    if (a.isResourceRequest && a.apiGroup === "coordination.k8s.io" && a.resource === "leases") {
      if (a.namespace !== "kube-node-lease")
        return noOpinion(`can only access node lease in the kube-node-lease namespace`);
      if (!["get", "create", "update", "patch", "delete"].includes(a.verb))
        return noOpinion(`can only get, create, update, patch, or delete a node lease`);
      if (a.verb !== "create" && a.name !== node)
        return noOpinion(`can only access node lease with the same name as the requesting node`);
      return allow;
    }
    return this.staticRules.some((r) => ruleAllows(a, r)) ? allow : noOpinion();
  }

  private readRelated(node: string, a: Attributes, kind: RefKind): DecisionResult {
    if (a.verb !== "get") return noOpinion(`can only get individual resources of this type`);
    return this.related(node, a, kind, ["get"]);
  }

  private related(node: string, a: Attributes, kind: RefKind, verbs: string[]): DecisionResult {
    if (!verbs.includes(a.verb) || a.name === "")
      return noOpinion(`can only ${verbs.join(", ")} individual resources of this type`);
    if (this.graph.related(node, kind, a.namespace, a.name)) return allow;
    return noOpinion(`no relationship found between node '${node}' and this object`);
  }
}
