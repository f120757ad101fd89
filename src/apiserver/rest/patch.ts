// PATCH of an object or its status: server-side apply goes to apply.ts; JSON, merge and strategic
// merge patches go through the patcher, have the unknown fields they bring in checked per
// fieldValidation, and take the common update path (which records managedFields).
import { updatesStatusOnly } from "../../api/resource.ts";
import { fieldValidationDirective } from "../../api/schema/field-validation.ts";
import { mediaType, readBody } from "../http/body.ts";
import { header } from "../http/sink.ts";
import { patchTypeOf } from "../patch/index.ts";
import { wellFormed } from "../wellformed.ts";
import { applyObject } from "./apply.ts";
import type { RestContext } from "./context.ts";
import { checkPatchedFields, goFormat, pruneUnknownFields } from "./patchvalidation.ts";
import { persistUpdate } from "./write.ts";

function decodedPatch(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return body.toString("utf8");
  }
}

export async function patchObject(ctx: RestContext): Promise<void> {
  const { def, info, deps } = ctx;
  const body = await readBody(ctx.req);
  const contentType = mediaType(header(ctx.req, "content-type"));
  const type = patchTypeOf(contentType);
  if (type === "apply") {
    await applyObject(ctx, body);
    return;
  }
  const directive = fieldValidationDirective(ctx.query.get("fieldValidation"), "PatchOptions");
  const schema = deps.patchSchemaFor?.(def);
  const target = { group: def.group, version: def.version, kind: def.kind };
  await persistUpdate(ctx, {
    name: info.name,
    namespace: def.namespaced ? info.namespace : "",
    statusOnly: updatesStatusOnly(def, info.subresource),
    build: (copy, current) => {
      const patched = deps.patcher({
        current: copy,
        patch: body,
        contentType,
        schema,
        fieldManager: ctx.query.get("fieldManager") ?? "",
        force: ctx.query.get("force") === "true",
        target,
      });
      // Nothing unknown in the result: nothing to warn about or prune (the usual case).
      if (wellFormed(target.group, target.version, target.kind, patched)) return patched;
      const warnings = checkPatchedFields({
        target,
        current,
        patched,
        directive,
        // Kubernetes shows the patched JSON for JSON/merge patches, the patch map for strategic ones.
        shownValue: () => (type === "strategic" ? goFormat(decodedPatch(body)) : JSON.stringify(patched)),
      });
      // build runs again on a storage conflict; warn once.
      for (const w of warnings) if (!ctx.warnings.includes(w)) ctx.warnings.push(w);
      pruneUnknownFields(target, patched);
      return patched;
    },
  });
}
