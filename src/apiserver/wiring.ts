// Adapters from the schema and patch modules to the handler's seams (decoder, patcher,
// OpenAPI path handler), so those modules stay independent of the request plumbing.
import { isCustomResourceDef } from "../api/apiextensions/customresource.ts";
import { customResourcePatchSchema } from "../api/apiextensions/patch-schema.ts";
import { BadRequestError } from "../api/errors.ts";
import { isPlainObject, type KubeObject } from "../api/object.ts";
import type { Registry } from "../api/registry.ts";
import type { ResourceDef } from "../api/resource.ts";
import { decodeBody } from "../api/schema/field-validation.ts";
import { patchSchemaFor } from "../api/schema/patch-schema.ts";
import type { PathHandler } from "./handler.ts";
import { bodyFormat } from "./http/body.ts";
import { decodeJsonFast } from "./http/fastdecode.ts";
import { header } from "./http/sink.ts";
import { isOpenApiPath, serveOpenApi } from "./openapi/handler.ts";
import { applyPatch } from "./patch/dispatch.ts";
import type { JsonObject } from "./patch/json.ts";
import { memoizedSchema } from "./patch/memoschema.ts";
import type { Decoder, Patcher } from "./rest/context.ts";
import { checkTypes } from "./typecheck.ts";
import { wellFormed } from "./wellformed.ts";

export const schemaDecoder: Decoder = ({ def, body, contentType, mode }) => {
  const format = bodyFormat(contentType);
  const text = body.toString("utf8");
  if (text.trim() === "") throw new BadRequestError("the request body is empty");
  const options = {
    body: text,
    format,
    group: def.group,
    version: def.version,
    kind: def.kind,
    fieldValidation: mode,
  };
  const fast = decodeJsonFast(options);
  const { object, warnings } = fast ?? decodeBody(options);
  if (!isPlainObject(object)) {
    throw new BadRequestError(
      `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: expected a JSON object`,
    );
  }
  if (!fast?.wellFormed) checkTypes(def.group, def.version, def.kind, object);
  return { object: object as KubeObject, warnings };
};

export const dispatchPatcher: Patcher = ({ current, patch, contentType, schema, target }) => {
  const result = applyPatch({
    contentType,
    original: current as JsonObject,
    body: patch,
    schema,
    owned: true,
  });
  if (!isPlainObject(result)) throw new BadRequestError("the patch did not produce an object");
  if (!wellFormed(target.group, target.version, target.kind, result))
    checkTypes(target.group, target.version, target.kind, result);
  return result as KubeObject;
};

export function schemaPatchSchemaFor(def: ResourceDef) {
  // Custom resources merge by their CRD schema's list/map types (server-side apply).
  if (isCustomResourceDef(def)) return customResourcePatchSchema(def.customResource.schema);
  return memoizedSchema(patchSchemaFor(def.group, def.version, def.kind));
}

export function openApiPathHandler(registry: Registry): PathHandler {
  return (req, res, url) => {
    if (!isOpenApiPath(url.pathname)) return false;
    const answer = serveOpenApi(registry, {
      path: url.pathname,
      hash: url.searchParams.get("hash"),
      accept: header(req, "accept"),
      ifNoneMatch: header(req, "if-none-match"),
    });
    if (!answer) return false;
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
    return true;
  };
}
