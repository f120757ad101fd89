// The REST operations a Registry serves, described once for both OpenAPI versions: paths,
// methods, Kubernetes actions, parameters, body and response definitions, group/version/kind.

import { isCustomResourceDef } from "../../api/apiextensions/customresource.ts";
import { groupVersion } from "../../api/object.ts";
import type { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { definitionNameForKind } from "../../api/schema/definitions.ts";
import type { GroupVersionKind } from "../../api/schema/types.ts";

export type Method = "get" | "put" | "post" | "delete" | "patch";

export interface ParamSpec {
  name: string;
  in: "path" | "query";
  type: "string" | "boolean" | "integer";
  description: string;
  required?: boolean;
}

export interface OperationSpec {
  method: Method;
  action: "get" | "list" | "watch" | "post" | "put" | "patch" | "delete" | "deletecollection" | "connect";
  operationId: string;
  description: string;
  params: ParamSpec[];
  /** Definition name of the request body. */
  body?: string;
  consumes?: readonly string[];
  /** Definition name of the response. */
  response: string;
  gvk: GroupVersionKind;
}

export interface PathSpec {
  path: string;
  operations: OperationSpec[];
}

const meta = "io.k8s.apimachinery.pkg.apis.meta.v1";
export const patchContentTypes = [
  "application/json-patch+json",
  "application/merge-patch+json",
  "application/strategic-merge-patch+json",
  "application/apply-patch+yaml",
] as const;
/** Custom resources have no patch metadata: no strategic merge patch (kubectl then sends merge patches). */
const customResourcePatchContentTypes = patchContentTypes.filter(
  (t) => t !== "application/strategic-merge-patch+json",
);

const q = (name: string, type: ParamSpec["type"], description: string): ParamSpec => ({
  name,
  in: "query",
  type,
  description,
});
const pretty = q("pretty", "string", "If 'true', then the output is pretty printed.");
const dryRun = q(
  "dryRun",
  "string",
  "When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed",
);
const fieldManager = q(
  "fieldManager",
  "string",
  "fieldManager is a name associated with the actor or entity that is making these changes.",
);
const fieldValidation = q(
  "fieldValidation",
  "string",
  "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default in v1.23+ - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.",
);
const force = q(
  "force",
  "boolean",
  'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
);
const listParams: ParamSpec[] = [
  q("labelSelector", "string", "A selector to restrict the list of returned objects by their labels."),
  q("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields."),
  q("limit", "integer", "limit is a maximum number of responses to return for a list call."),
  q("continue", "string", "The continue option should be set when retrieving more results from the server."),
  q(
    "resourceVersion",
    "string",
    "resourceVersion sets a constraint on what resource versions a request may be served from.",
  ),
  q("timeoutSeconds", "integer", "Timeout for the list/watch call."),
  q(
    "watch",
    "boolean",
    "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.",
  ),
];
const pathParam = (name: string, description: string): ParamSpec => ({
  name,
  in: "path",
  type: "string",
  description,
  required: true,
});

/** `apps` → `Apps`, `rbac.authorization.k8s.io` → `RbacAuthorization`, core → `Core`. */
function groupWord(group: string): string {
  if (group === "") return "Core";
  return group
    .replace(/\.k8s\.io$/, "")
    .split(".")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}

/** Definition names the operations use that are not kinds (Status, DeleteOptions, WatchEvent, Patch). */
export const metaDefinitions = [
  `${meta}.Status`,
  `${meta}.DeleteOptions`,
  `${meta}.WatchEvent`,
  `${meta}.Patch`,
];

/** A served kind without a kubernetes-types definition gets a free-form synthetic one. */
export function kindDefinitionName(gvk: GroupVersionKind): string {
  return definitionNameForKind(gvk.group, gvk.version, gvk.kind) ?? syntheticDefinitionName(gvk);
}

export function syntheticDefinitionName(gvk: GroupVersionKind): string {
  const reversed = gvk.group === "" ? "core" : gvk.group.split(".").reverse().join(".");
  return `${reversed}.${gvk.version}.${gvk.kind}`;
}

/** Every path of one group/version, in registration order. */
export function groupVersionPaths(registry: Registry, group: string, version: string): PathSpec[] {
  const out: PathSpec[] = [];
  for (const def of registry.resources(group, version)) out.push(...resourcePaths(def));
  return out;
}

function resourcePaths(def: ResourceDef): PathSpec[] {
  const prefix = def.group === "" ? `/api/${def.version}` : `/apis/${groupVersion(def.group, def.version)}`;
  const scope = def.namespaced ? "/namespaces/{namespace}" : "";
  const collection = `${prefix}${scope}/${def.resource}`;
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const kindDef = kindDefinitionName(gvk);
  const listDef = kindDefinitionName({ ...gvk, kind: def.listKind ?? `${def.kind}List` });
  const id = `${groupWord(def.group)}${def.version.charAt(0).toUpperCase()}${def.version.slice(1)}${def.namespaced ? "Namespaced" : ""}${def.kind}`;
  const verbs = new Set<string>(
    def.verbs ?? ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"],
  );
  const nsParams = def.namespaced
    ? [pathParam("namespace", "object name and auth scope, such as for teams and projects")]
    : [];
  const nameParam = pathParam("name", `name of the ${def.kind}`);
  const write = [dryRun, fieldManager, fieldValidation, pretty];

  const collectionOps: OperationSpec[] = [];
  if (verbs.has("list")) {
    collectionOps.push({
      method: "get",
      action: "list",
      operationId: `list${id}`,
      description: `list or watch objects of kind ${def.kind}`,
      params: [...nsParams, pretty, ...listParams],
      response: listDef,
      gvk,
    });
  }
  if (verbs.has("create")) {
    collectionOps.push({
      method: "post",
      action: "post",
      operationId: `create${id}`,
      description: `create a ${def.kind}`,
      params: [...nsParams, ...write],
      body: kindDef,
      response: kindDef,
      gvk,
    });
  }
  if (verbs.has("deletecollection")) {
    collectionOps.push({
      method: "delete",
      action: "deletecollection",
      operationId: `deleteCollection${id}`,
      description: `delete collection of ${def.kind}`,
      params: [...nsParams, pretty, dryRun, ...listParams.filter((p) => p.name !== "watch")],
      body: `${meta}.DeleteOptions`,
      response: `${meta}.Status`,
      gvk,
    });
  }
  const itemOps = (
    suffix: string,
    bodyDef: string,
    subGvk: GroupVersionKind,
    what: string,
  ): OperationSpec[] => {
    const ops: OperationSpec[] = [];
    const params = [...nsParams, nameParam];
    if (verbs.has("get")) {
      ops.push({
        method: "get",
        action: "get",
        operationId: `read${id}${suffix}`,
        description: `read ${what} of the specified ${def.kind}`,
        params: [...params, pretty],
        response: bodyDef,
        gvk: subGvk,
      });
    }
    if (verbs.has("update")) {
      ops.push({
        method: "put",
        action: "put",
        operationId: `replace${id}${suffix}`,
        description: `replace ${what} of the specified ${def.kind}`,
        params: [...params, ...write],
        body: bodyDef,
        response: bodyDef,
        gvk: subGvk,
      });
    }
    if (verbs.has("patch")) {
      ops.push({
        method: "patch",
        action: "patch",
        operationId: `patch${id}${suffix}`,
        description: `partially update ${what} of the specified ${def.kind}`,
        params: [...params, dryRun, fieldManager, fieldValidation, force, pretty],
        body: `${meta}.Patch`,
        consumes: isCustomResourceDef(def) ? customResourcePatchContentTypes : patchContentTypes,
        response: bodyDef,
        gvk: subGvk,
      });
    }
    return ops;
  };

  const paths: PathSpec[] = [];
  if (collectionOps.length > 0) paths.push({ path: collection, operations: collectionOps });
  const item = itemOps("", kindDef, gvk, "the");
  if (verbs.has("delete")) {
    item.push({
      method: "delete",
      action: "delete",
      operationId: `delete${id}`,
      description: `delete a ${def.kind}`,
      params: [
        ...nsParams,
        nameParam,
        pretty,
        dryRun,
        q("gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted."),
        q("propagationPolicy", "string", "Whether and how garbage collection will be performed."),
      ],
      body: `${meta}.DeleteOptions`,
      response: `${meta}.Status`,
      gvk,
    });
  }
  if (item.length > 0) paths.push({ path: `${collection}/{name}`, operations: item });
  if (def.hasStatus)
    paths.push({
      path: `${collection}/{name}/status`,
      operations: itemOps("Status", kindDef, gvk, "status"),
    });
  if (def.scale) {
    const scaleGvk = { group: "autoscaling", version: "v1", kind: "Scale" };
    paths.push({
      path: `${collection}/{name}/scale`,
      operations: itemOps("Scale", kindDefinitionName(scaleGvk), scaleGvk, "scale"),
    });
  }
  return paths;
}
