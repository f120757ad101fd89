// The patch engines' public surface for the API server's PATCH/PUT/POST handlers.
export { type ApplyPatchOptions, applyPatch, type PatchType, patchTypeOf } from "./dispatch.ts";
export { PatchNotApplicableError, StrategicMergePatchError } from "./errors.ts";
export { applyJsonPatch, decodeJsonPatch, type JsonPatchOperation } from "./jsonpatch.ts";
export { applyMergePatch } from "./mergepatch.ts";
export {
  type ApplyConflict,
  ApplyConflictError,
  decodeApplyPatch,
  type ServerSideApplyOptions,
  type ServerSideApplyResult,
  serverSideApply,
} from "./ssa/apply.ts";
export type { FieldPathElements } from "./ssa/fieldset.ts";
export {
  type ManagedFieldsEntry,
  managerFromUserAgent,
  type UpdateManagedFieldsOptions,
  updateManagedFields,
} from "./ssa/managedfields.ts";
export { applyStrategicMergePatch } from "./strategic.ts";
