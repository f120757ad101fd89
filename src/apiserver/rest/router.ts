// Dispatch of resource requests to the generic handlers by verb and subresource.
import { MethodNotAllowedError, RouteNotFoundError } from "../../api/errors.ts";
import { allVerbs, updatesStatusOnly, type Verb } from "../../api/resource.ts";
import type { RestContext } from "./context.ts";
import { deleteCollection, deleteObject } from "./delete.ts";
import { patchObject } from "./patch.ts";
import { getObject, listObjects } from "./read.ts";
import { getScale, patchScale, updateScale } from "./scale.ts";
import { watchObjects } from "./watch.ts";
import { createObject, updateObject } from "./write.ts";

type Handler = (ctx: RestContext) => Promise<void>;

const main: Record<Verb, Handler> = {
  get: getObject,
  list: listObjects,
  watch: watchObjects,
  create: createObject,
  update: updateObject,
  patch: patchObject,
  delete: deleteObject,
  deletecollection: deleteCollection,
};

const status: Partial<Record<string, Handler>> = { get: getObject, update: updateObject, patch: patchObject };
const scale: Partial<Record<string, Handler>> = { get: getScale, update: updateScale, patch: patchScale };

export async function serveResource(ctx: RestContext): Promise<void> {
  const { def, info } = ctx;
  const verb = info.verb;
  if (info.subresource === "") {
    if (verb === "create" && info.name !== "") throw new MethodNotAllowedError();
    const handler = main[verb as Verb];
    const allowed = def.verbs ?? allVerbs;
    if (!handler || !allowed.includes(verb as Verb)) throw new MethodNotAllowedError();
    await handler(ctx);
    return;
  }
  if (info.name === "") throw new RouteNotFoundError();
  // proxy subresources carry a path after their name: pods/NAME/proxy/some/path.
  const subresource = info.subresource.split("/")[0] ?? "";
  const custom = ctx.deps.subresources.get(`${def.group}/${def.resource}/${subresource}`);
  if (custom) {
    await custom(ctx);
    return;
  }
  const table = updatesStatusOnly(def, info.subresource)
    ? status
    : info.subresource === "scale" && def.scale
      ? scale
      : undefined;
  if (!table) throw new RouteNotFoundError();
  const handler = table[verb];
  if (!handler) throw new MethodNotAllowedError();
  await handler(ctx);
}
