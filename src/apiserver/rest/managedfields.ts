// metadata.managedFields bookkeeping for the REST handlers: who the writer is (fieldManager or the
// User-Agent), which fields an endpoint never owns, and the Update entry every ordinary write adds.
import { InvalidError } from "../../api/errors.ts";
import { type FieldError, fieldErrors } from "../../api/field.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { header } from "../http/sink.ts";
import { type FieldPathElements, managerFromUserAgent, updateManagedFields } from "../patch/index.ts";
import type { JsonObject } from "../patch/json.ts";
import type { RestContext } from "./context.ts";

export type OptionsKind = "CreateOptions" | "UpdateOptions" | "PatchOptions";

/** `apps/v1`, or `v1` for the core group: the apiVersion managedFields entries record. */
export function groupVersion(def: ResourceDef): string {
  return def.group === "" ? def.version : `${def.group}/${def.version}`;
}

/** Kubernetes' ValidateFieldManager: at most 128 characters, all printable. */
export function fieldManagerErrors(manager: string): FieldError[] {
  if ([...manager].length > 128) return [fieldErrors.tooLong("fieldManager", manager, 128)];
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(manager)) {
    return [fieldErrors.invalid("fieldManager", manager, "must only contain printable characters")];
  }
  return [];
}

/**
 * The `fieldManager` query parameter (validated; 422 on the options kind like Kubernetes), or the
 * manager named by the User-Agent (`kubectl.1.32/v1.32.5 …` → `kubectl.1.32`).
 */
export function requestFieldManager(ctx: RestContext, optionsKind: OptionsKind): string | undefined {
  const param = ctx.query.get("fieldManager");
  if (param === null) return undefined;
  const errs = fieldManagerErrors(param);
  if (errs.length > 0) throw new InvalidError("meta.k8s.io", optionsKind, "", errs);
  return param === "" ? undefined : param;
}

export function writerOf(ctx: RestContext, optionsKind: OptionsKind): string {
  return requestFieldManager(ctx, optionsKind) ?? managerFromUserAgent(header(ctx.req, "user-agent"));
}

/**
 * Fields an endpoint's writers never own: status through the main resource of a kind with a
 * status subresource (its writes there are discarded). Subresource writes only change their part.
 */
export function ignoredFieldsFor(def: ResourceDef, subresource: string): FieldPathElements[] {
  return subresource === "" && def.hasStatus ? [["f:status"]] : [];
}

export interface TrackWriteOptions {
  /** The stored object; undefined on create. */
  live: KubeObject | undefined;
  /** The object about to be stored. */
  updated: KubeObject;
}

function optionsKindOf(method: string): OptionsKind {
  return method === "POST" ? "CreateOptions" : method === "PATCH" ? "PatchOptions" : "UpdateOptions";
}

/**
 * `updated` with managedFields after an ordinary (non-apply) write by this request's manager; the
 * entry records the subresource (status, scale) the request came through. Deletions (finalizers,
 * graceful deletion) leave managedFields alone, as in Kubernetes.
 */
export function trackWrite(ctx: RestContext, options: TrackWriteOptions): KubeObject {
  const { def } = ctx;
  if (ctx.req.method === "DELETE") return options.updated;
  const subresource = ctx.info.subresource;
  const result = updateManagedFields({
    live: options.live as JsonObject | undefined,
    updated: options.updated as JsonObject,
    manager: writerOf(ctx, optionsKindOf(ctx.req.method)),
    apiVersion: groupVersion(def),
    schema: ctx.deps.patchSchemaFor?.(def),
    now: ctx.deps.now(),
    ignoredFields: ignoredFieldsFor(def, subresource),
    ...(subresource ? { subresource } : {}),
  });
  return result as KubeObject;
}
