// PATCH of an object or its status/scale: the body goes through the patcher (merge, JSON,
// strategic merge patch, apply) and the result takes the common update path.
import { mediaType, readBody } from "../http/body.ts";
import { header } from "../http/sink.ts";
import type { RestContext } from "./context.ts";
import { persistUpdate } from "./write.ts";

export async function patchObject(ctx: RestContext): Promise<void> {
  const { def, info, deps } = ctx;
  const body = await readBody(ctx.req);
  const contentType = mediaType(header(ctx.req, "content-type"));
  const schema = deps.patchSchemaFor?.(def);
  await persistUpdate(ctx, {
    name: info.name,
    namespace: def.namespaced ? info.namespace : "",
    statusOnly: info.subresource === "status",
    build: (current) =>
      deps.patcher({
        current,
        patch: body,
        contentType,
        schema,
        fieldManager: ctx.query.get("fieldManager") ?? "",
        force: ctx.query.get("force") === "true",
        target: { group: def.group, version: def.version, kind: def.kind },
      }),
  });
}
