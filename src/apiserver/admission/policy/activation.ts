// The values of a policy's CEL variables for one request: object, oldObject, request (the
// AdmissionRequest fields), params, namespaceObject and authorizer.
import type { KubeObject } from "../../../api/object.ts";
import type { AdmissionAttributes } from "../../admission.ts";
import type { DecisionAuthorizer } from "../../auth/attributes.ts";
import { type CelValue, fromJson } from "../../cel/index.ts";
import { AuthorizerValue } from "./authorizer.ts";

const optionsKind = { CREATE: "CreateOptions", UPDATE: "UpdateOptions", DELETE: "DeleteOptions" } as const;

/** admission.k8s.io/v1 AdmissionRequest as CEL's `request` sees it (no object copies). */
function requestValue(attrs: AdmissionAttributes): Record<string, unknown> {
  const { def, user } = attrs;
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const gvr = { group: def.group, version: def.version, resource: def.resource };
  return {
    kind: gvk,
    resource: gvr,
    subResource: attrs.subresource,
    requestKind: gvk,
    requestResource: gvr,
    requestSubResource: attrs.subresource,
    name: attrs.name,
    namespace: def.namespaced ? attrs.namespace : "",
    operation: attrs.operation,
    userInfo: {
      username: user.name,
      uid: user.uid ?? "",
      groups: user.groups,
      ...(user.extra ? { extra: user.extra } : {}),
    },
    dryRun: attrs.dryRun,
    options: { apiVersion: "meta.k8s.io/v1", kind: optionsKind[attrs.operation] },
  };
}

export interface RequestActivation {
  object: CelValue;
  oldObject: CelValue;
  request: CelValue;
  namespaceObject: CelValue;
  authorizer: CelValue;
}

export function requestActivation(
  attrs: AdmissionAttributes,
  namespace: KubeObject | undefined,
  decide: DecisionAuthorizer["decide"] | undefined,
): RequestActivation {
  const denyAll: DecisionAuthorizer["decide"] = () => ({
    decision: "noOpinion",
    reason: "no authorizer configured",
  });
  return {
    object: attrs.object ? fromJson(attrs.object) : null,
    oldObject: attrs.oldObject ? fromJson(attrs.oldObject) : null,
    request: fromJson(requestValue(attrs)),
    namespaceObject: namespace ? fromJson(namespace) : null,
    authorizer: new AuthorizerValue({ user: attrs.user, decide: decide ?? denyAll }),
  };
}
