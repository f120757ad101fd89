// namespaces/finalize: the one way to change a namespace's spec.finalizers (the namespace
// controller removes `kubernetes` when the content is gone). A terminating namespace left with
// no finalizers of either kind is removed by that write.
import type { Namespace } from "kubernetes-types/core/v1.js";
import {
  ApiError,
  BadRequestError,
  ConflictError,
  MethodNotAllowedError,
  NotFoundError,
} from "../../api/errors.ts";
import { lifecycleFor } from "../../api/lifecycle.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import { isDryRun, type RestContext } from "../rest/context.ts";
import { shouldDeleteDuringUpdate } from "../rest/deletion.ts";
import { canonicalJson, meta } from "../rest/meta.ts";
import { respondObject } from "../rest/respond.ts";
import { validateOrThrow } from "../rest/write.ts";
import { groupResource } from "../storage/objectstore.ts";
import { readKindBody } from "./body.ts";

function requestedFinalizers(body: Record<string, unknown>): string[] {
  const spec = isPlainObject(body.spec) ? body.spec : {};
  const list = spec.finalizers;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || !list.every((f) => typeof f === "string")) {
    throw new BadRequestError(
      'Namespace in version "v1" cannot be handled as a Namespace: spec.finalizers must be a list of strings',
    );
  }
  return list;
}

/** PUT /api/v1/namespaces/NAME/finalize */
export async function finalizeNamespace(ctx: RestContext): Promise<void> {
  if (ctx.info.verb !== "update") throw new MethodNotAllowedError();
  const { def, deps, info } = ctx;
  const body = await readKindBody(ctx, "Namespace", ["v1"]);
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  if (metadata.name !== undefined && metadata.name !== info.name) {
    throw new BadRequestError(
      `the name of the object (${String(metadata.name)}) does not match the name on the URL (${info.name})`,
    );
  }
  const finalizers = requestedFinalizers(body);
  const wantedRv = typeof metadata.resourceVersion === "string" ? metadata.resourceVersion : "";
  const gr = groupResource(def);
  for (let attempt = 0; ; attempt++) {
    const current = await deps.objects.get(def, "", info.name);
    if (!current) throw new NotFoundError(gr, info.name);
    const rv = meta(current).resourceVersion ?? "";
    if (wantedRv && wantedRv !== rv) throw new ConflictError(gr, info.name);
    const next = structuredClone(current) as Namespace & KubeObject;
    next.spec = { ...(next.spec ?? {}), finalizers };
    validateOrThrow(def, next, current);
    if (canonicalJson(next) === canonicalJson(current) || isDryRun(ctx.query)) {
      respondObject(ctx, 200, next);
      return;
    }
    try {
      const written = shouldDeleteDuringUpdate(next, current, lifecycleFor(def))
        ? await deps.objects.delete(def, "", info.name, Number(rv))
        : await deps.objects.update(def, next, Number(rv));
      respondObject(ctx, 200, written);
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "Conflict" && !wantedRv && attempt < 5)) throw err;
    }
  }
}
