// GET of one object and LIST of a collection, with Kubernetes' resourceVersion semantics:
// "" = latest, "0" = any (cache), N = not older than N, or exactly N with resourceVersionMatch=Exact.
import { BadRequestError, GoneError, NotFoundError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { wantsMetadata, wantsTable } from "../http/negotiate.ts";
import { tooLargeResourceVersion } from "../storage/errors.ts";
import { groupResource } from "../storage/objectstore.ts";
import { expiredContinue } from "../watchcache/snapshots.ts";
import type { RestContext } from "./context.ts";
import {
  encodeCacheContinue,
  encodeContinue,
  encodedMatcher,
  type ListQuery,
  objectMatcher,
  parseListQuery,
} from "./listoptions.ts";
import { type ListMeta, respondEncodedList, respondList, respondListOf, respondObject } from "./respond.ts";
import type { EncodedItem } from "./source.ts";

export async function getObject(ctx: RestContext): Promise<void> {
  const obj = await readObject(ctx);
  respondObject(ctx, 200, obj);
}

/** Reads the object the URL names (used by get and the status subresource). */
export async function readObject(ctx: RestContext): Promise<KubeObject> {
  const { def, info } = ctx;
  const rv = ctx.query.get("resourceVersion") ?? "";
  if (rv !== "" && !/^\d+$/.test(rv))
    throw new BadRequestError(`invalid resource version: ${JSON.stringify(rv)}`);
  if (rv !== "" && rv !== "0") {
    const current = await ctx.deps.source.currentRevision();
    if (Number(rv) > current) throw tooLargeResourceVersion(Number(rv), current);
  }
  const obj = await ctx.deps.objects.get(def, info.namespace, info.name);
  if (!obj) throw new NotFoundError(groupResource(def), info.name);
  return obj;
}

/** A served item as an object (its own copy: Table rows may set type meta on it). */
function decodeItem(item: EncodedItem): KubeObject {
  return JSON.parse(item.json) as KubeObject;
}

/** Which Store revision a list reads at (0 = latest). */
async function listRevision(ctx: RestContext, q: ListQuery): Promise<number> {
  if (q.continue || q.resourceVersion === "" || q.resourceVersion === "0") return 0;
  const rv = Number(q.resourceVersion);
  if (q.resourceVersionMatch === "Exact") return rv;
  if (q.resourceVersionMatch !== "" && q.resourceVersionMatch !== "NotOlderThan") {
    throw new BadRequestError(`invalid resourceVersionMatch: ${q.resourceVersionMatch}`);
  }
  const current = await ctx.deps.source.currentRevision();
  if (rv > current) throw tooLargeResourceVersion(rv, current);
  return 0;
}

export async function listObjects(ctx: RestContext): Promise<void> {
  const { def, info } = ctx;
  const q = parseListQuery(def, ctx.query);
  const match = objectMatcher(def, q);
  const namespace = def.namespaced ? info.namespace : "";
  const revision = await listRevision(ctx, q);
  // The latest state from the watch cache, paged there too: filtered on what selectors need;
  // JSON goes out as it is stored for lists, and only a page's items are decoded for Tables.
  if (!q.continue && !revision && ctx.deps.source.listEncodedPage) {
    const page = await ctx.deps.source.listEncodedPage(def, {
      ...(namespace ? { namespace } : {}),
      limit: q.limit,
      ...(q.cacheContinue ? { after: q.cacheContinue } : {}),
      match: encodedMatcher(q),
    });
    if (page) {
      const meta: ListMeta = { resourceVersion: String(page.revision) };
      if (page.next) {
        meta.continue = encodeCacheContinue(page.next);
        if (page.remaining !== undefined && q.labelSelector.empty && q.fieldSelector.empty)
          meta.remainingItemCount = page.remaining;
      }
      if (!wantsTable(ctx.req) && !wantsMetadata(ctx.req)) respondEncodedList(ctx, page.items, meta);
      else respondListOf(ctx, page.items, decodeItem, meta);
      return;
    }
  }
  // A cache-made token with no cache to continue it: the list must start again.
  if (q.cacheContinue) throw new GoneError(expiredContinue);
  const items: KubeObject[] = [];
  let token = q.continue;
  let listRev = 0;
  let remaining: number | undefined;
  // With a limit and a selector, keep reading pages until the page is full or the list ends.
  for (;;) {
    const want = q.limit > 0 ? q.limit - items.length : 0;
    const page = await ctx.deps.source.list(def, {
      ...(namespace ? { namespace } : {}),
      ...(want > 0 ? { limit: want } : {}),
      ...(token ? { continue: token } : {}),
      ...(revision && !token ? { revision } : {}),
    });
    listRev = page.revision;
    for (const item of page.items) if (match(item)) items.push(item);
    token = page.continue;
    remaining = page.remaining;
    if (!token || q.limit === 0 || items.length >= q.limit) break;
  }
  const meta: ListMeta = { resourceVersion: String(listRev) };
  if (token) {
    meta.continue = encodeContinue(token);
    if (remaining !== undefined && q.labelSelector.empty && q.fieldSelector.empty) {
      meta.remainingItemCount = remaining;
    }
  }
  respondList(ctx, items, meta);
}
