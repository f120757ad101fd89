// What an authorizer decides about: Kubernetes' authorizer.Attributes, built from a request's
// RequestInfo or from a SubjectAccessReview; and the Forbidden error Kubernetes prints.
import { ForbiddenError } from "../../api/errors.ts";
import type { RequestInfo } from "../requestinfo.ts";
import type { UserInfo } from "./user.ts";

export interface Attributes {
  user: UserInfo;
  verb: string;
  isResourceRequest: boolean;
  /** Non-resource requests: the URL path. */
  path: string;
  namespace: string;
  apiGroup: string;
  apiVersion: string;
  resource: string;
  subresource: string;
  name: string;
}

export type Decision = "allow" | "deny" | "noOpinion";

export interface DecisionResult {
  decision: Decision;
  reason: string;
}

/** One authorizer of the `--authorization-mode` chain. */
export interface DecisionAuthorizer {
  decide(attrs: Attributes): DecisionResult;
}

/** A request for a non-resource URL (`/healthz`, `/metrics`, …). */
export function nonResourceAttributes(user: UserInfo, verb: string, path: string): Attributes {
  return {
    user,
    verb,
    isResourceRequest: false,
    path,
    namespace: "",
    apiGroup: "",
    apiVersion: "",
    resource: "",
    subresource: "",
    name: "",
  };
}

export function attributesFor(user: UserInfo, info: RequestInfo): Attributes {
  return {
    user,
    verb: info.verb,
    isResourceRequest: info.isResourceRequest,
    path: info.path,
    namespace: info.namespace,
    apiGroup: info.apiGroup,
    apiVersion: info.apiVersion,
    resource: info.resource,
    subresource: info.subresource.split("/")[0] ?? "",
    name: info.name,
  };
}

/** apiserver's forbiddenMessage: who cannot do what where. */
export function forbiddenMessage(a: Attributes): string {
  const user = a.user.name;
  if (!a.isResourceRequest) return `User "${user}" cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource === "" ? a.resource : `${a.resource}/${a.subresource}`;
  if (a.namespace !== "") {
    return `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" in the namespace "${a.namespace}"`;
  }
  return `User "${user}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" at the cluster scope`;
}

/** apierrors.NewForbidden over the request's group/resource and name, as responsewriters.Forbidden does. */
export function forbiddenError(a: Attributes, reason = ""): ForbiddenError {
  const cause = reason === "" ? forbiddenMessage(a) : `${forbiddenMessage(a)}: ${reason}`;
  const qualified = a.resource === "" ? "" : a.apiGroup === "" ? a.resource : `${a.resource}.${a.apiGroup}`;
  let message: string;
  if (qualified === "") message = `forbidden: ${cause}`;
  else if (a.name === "") message = `${qualified} is forbidden: ${cause}`;
  else message = `${qualified} "${a.name}" is forbidden: ${cause}`;
  return new ForbiddenError(message, {
    ...(a.name !== "" ? { name: a.name } : {}),
    ...(a.apiGroup !== "" ? { group: a.apiGroup } : {}),
    ...(a.resource !== "" ? { kind: a.resource } : {}),
  });
}
