// NodeRestriction admission: a kubelet identity may create only mirror pods bound to itself,
// change only its own pods and its own Node, and evict only pods bound to it.
import type { Pod } from "kubernetes-types/core/v1.js";
import { ForbiddenError } from "../../api/errors.ts";
import type { AdmissionAttributes, AdmissionPlugin } from "../admission.ts";
import { nodeIdentity } from "../auth/node/authorizer.ts";

const mirrorAnnotation = "kubernetes.io/config.mirror";

function forbidden(attrs: AdmissionAttributes, why: string): ForbiddenError {
  const resource = attrs.def.group === "" ? attrs.def.resource : `${attrs.def.resource}.${attrs.def.group}`;
  const name = attrs.name || attrs.object?.metadata?.name || "";
  const head = name === "" ? `${resource} is forbidden` : `${resource} "${name}" is forbidden`;
  return new ForbiddenError(`${head}: ${why}`, {
    ...(name !== "" ? { name } : {}),
    ...(attrs.def.group !== "" ? { group: attrs.def.group } : {}),
    kind: attrs.def.resource,
  });
}

function podNode(attrs: AdmissionAttributes): string | undefined {
  return ((attrs.oldObject ?? attrs.object) as Pod | undefined)?.spec?.nodeName;
}

function admitPod(attrs: AdmissionAttributes, node: string): void {
  if (attrs.subresource === "") {
    if (attrs.operation === "CREATE") {
      const pod = attrs.object as Pod | undefined;
      if (pod?.metadata?.annotations?.[mirrorAnnotation] === undefined) {
        throw forbidden(
          attrs,
          `pod does not have "${mirrorAnnotation}" annotation, node "${node}" can only create mirror pods`,
        );
      }
      if (pod.spec?.nodeName !== node) {
        throw forbidden(attrs, `node "${node}" can only create pods with spec.nodeName set to itself`);
      }
      return;
    }
    if (attrs.operation === "DELETE" && podNode(attrs) !== node) {
      throw forbidden(attrs, `node "${node}" can only delete pods with spec.nodeName set to itself`);
    }
    if (attrs.operation === "UPDATE") throw forbidden(attrs, `node "${node}" cannot update pods`);
    return;
  }
  if (attrs.subresource === "status" && podNode(attrs) !== node) {
    throw forbidden(
      attrs,
      `node "${node}" can only update pod status for pods with spec.nodeName set to itself`,
    );
  }
  if (attrs.subresource === "eviction" && podNode(attrs) !== node) {
    throw forbidden(attrs, `node "${node}" can only evict pods with spec.nodeName set to itself`);
  }
}

export function nodeRestriction(): AdmissionPlugin {
  return {
    name: "NodeRestriction",
    validate(attrs) {
      const node = nodeIdentity(attrs.user);
      if (node === undefined || attrs.def.group !== "") return;
      if (attrs.def.resource === "pods") admitPod(attrs, node);
      else if (attrs.def.resource === "nodes") {
        const target = attrs.name || attrs.object?.metadata?.name || "";
        if (target !== node)
          throw forbidden(attrs, `node "${node}" is not allowed to modify node "${target}"`);
      }
    },
  };
}
