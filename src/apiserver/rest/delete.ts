// DELETE and DELETECOLLECTION: DeleteOptions from body or query, preconditions, admission, dry
// run, and the deletion plan (graceful deletion, finalizers, namespace termination: deletion.ts).
import { ApiError, BadRequestError, ConflictError, NotFoundError } from "../../api/errors.ts";
import { lifecycleFor } from "../../api/lifecycle.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import { decodeValue, isProtobuf, protobufAsJson, readBody } from "../http/body.ts";
import { header } from "../http/sink.ts";
import { groupResource } from "../storage/objectstore.ts";
import { isDryRun, type RestContext } from "./context.ts";
import { type PropagationPolicy, planDeletion } from "./deletion.ts";
import { objectMatcher, parseListQuery } from "./listoptions.ts";
import { meta } from "./meta.ts";
import { respondList, respondObject } from "./respond.ts";
import { runHook } from "./write.ts";

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: PropagationPolicy;
  /** The deprecated field as sent (it only changes the response code). */
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun: boolean;
}

const policies = new Set(["Orphan", "Background", "Foreground"]);

export async function parseDeleteOptions(ctx: RestContext): Promise<DeleteOptions> {
  const raw = await readBody(ctx.req);
  let body: Record<string, unknown> = {};
  if (raw.toString("utf8").trim() !== "") {
    const ct = header(ctx.req, "content-type");
    const value = isProtobuf(ct)
      ? decodeValue(protobufAsJson(raw, { apiVersion: "meta.k8s.io/v1", kind: "DeleteOptions" }), "json")
      : decodeValue(raw, ct.includes("yaml") ? "yaml" : "json");
    if (!isPlainObject(value)) throw new BadRequestError("DeleteOptions must be a JSON object");
    body = value;
  }
  return deleteOptionsFrom(body, ctx.query);
}

/** DeleteOptions from a decoded body (or an Eviction's deleteOptions) and the query. */
export function deleteOptionsFrom(body: Record<string, unknown>, q: URLSearchParams): DeleteOptions {
  const opts: DeleteOptions = {
    dryRun: isDryRun(q) || (Array.isArray(body.dryRun) && body.dryRun.includes("All")),
  };
  const grace =
    body.gracePeriodSeconds ??
    (q.get("gracePeriodSeconds") !== null ? Number(q.get("gracePeriodSeconds")) : undefined);
  if (grace !== undefined && grace !== null) {
    if (typeof grace !== "number" || !Number.isInteger(grace))
      throw new BadRequestError("gracePeriodSeconds must be an integer");
    opts.gracePeriodSeconds = grace;
  }
  let policy = body.propagationPolicy ?? q.get("propagationPolicy") ?? undefined;
  const orphan =
    body.orphanDependents ??
    (q.get("orphanDependents") !== null ? q.get("orphanDependents") === "true" : undefined);
  if (policy !== undefined && policy !== null) {
    if (typeof policy !== "string" || !policies.has(policy)) {
      throw new BadRequestError(
        `propagationPolicy must be one of Orphan, Background, Foreground, got ${JSON.stringify(policy)}`,
      );
    }
    if (orphan !== undefined && orphan !== null)
      throw new BadRequestError("orphanDependents and propagationPolicy cannot both be set");
    opts.propagationPolicy = policy as DeleteOptions["propagationPolicy"];
  } else if (orphan === true) policy = opts.propagationPolicy = "Orphan";
  else if (orphan === false) opts.propagationPolicy = "Background";
  if (typeof orphan === "boolean") opts.orphanDependents = orphan;
  const pre = body.preconditions;
  if (isPlainObject(pre)) {
    opts.preconditions = {};
    if (typeof pre.uid === "string") opts.preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === "string") opts.preconditions.resourceVersion = pre.resourceVersion;
  }
  return opts;
}

/** Deletes one object; returns the deleted (or now-terminating, or unchanged terminating) object. */
export async function deleteOne(
  ctx: RestContext,
  namespace: string,
  name: string,
  opts: DeleteOptions,
): Promise<KubeObject> {
  const { def, deps } = ctx;
  const gr = groupResource(def);
  const lifecycle = lifecycleFor(def);
  for (let attempt = 0; ; attempt++) {
    const current = await deps.objects.get(def, namespace, name);
    if (!current) throw new NotFoundError(gr, name);
    const m = meta(current);
    if (opts.preconditions?.uid && opts.preconditions.uid !== m.uid) {
      throw new ConflictError(
        gr,
        name,
        `Precondition failed: UID in precondition: ${opts.preconditions.uid}, UID in object meta: ${m.uid ?? ""}`,
      );
    }
    if (opts.preconditions?.resourceVersion && opts.preconditions.resourceVersion !== m.resourceVersion) {
      throw new ConflictError(
        gr,
        name,
        `Precondition failed: ResourceVersion in precondition: ${opts.preconditions.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion ?? ""}`,
      );
    }
    await deps.admission.validate({
      def,
      operation: "DELETE",
      subresource: "",
      namespace,
      name,
      object: undefined,
      oldObject: current,
      user: ctx.user,
      dryRun: opts.dryRun,
    });
    const plan = runHook(def, () => planDeletion(current, opts, lifecycle, deps.now()));
    const rv = Number(m.resourceVersion);
    try {
      switch (plan.action) {
        case "keep":
          return current;
        case "update":
          return opts.dryRun ? plan.object : await deps.objects.update(def, plan.object, rv);
        case "delete":
          return opts.dryRun ? current : await deps.objects.delete(def, namespace, name, rv);
      }
    } catch (err) {
      // A precondition on the resourceVersion is the caller's; only our own read may be retried.
      const retry = !opts.preconditions?.resourceVersion && attempt < 5;
      if (!(err instanceof ApiError && err.reason === "Conflict" && retry)) throw err;
    }
  }
}

export async function deleteObject(ctx: RestContext): Promise<void> {
  const opts = await parseDeleteOptions(ctx);
  const namespace = ctx.def.namespaced ? ctx.info.namespace : "";
  const result = await deleteOne(ctx, namespace, ctx.info.name, opts);
  // Kubernetes answers 202 only when orphanDependents=false was asked for and the object stays.
  const stays = Boolean(result.metadata?.deletionTimestamp) && !opts.dryRun;
  respondObject(ctx, opts.orphanDependents === false && stays ? 202 : 200, result);
}

export async function deleteCollection(ctx: RestContext): Promise<void> {
  const opts = await parseDeleteOptions(ctx);
  const q = parseListQuery(ctx.def, ctx.query);
  const match = objectMatcher(ctx.def, q);
  const namespace = ctx.def.namespaced ? ctx.info.namespace : "";
  const page = await ctx.deps.source.list(ctx.def, namespace ? { namespace } : {});
  const deleted: KubeObject[] = [];
  for (const obj of page.items.filter(match)) {
    try {
      deleted.push(await deleteOne(ctx, obj.metadata?.namespace ?? "", obj.metadata?.name ?? "", opts));
    } catch (err) {
      // Gone in the meantime: that is what the caller wanted.
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  respondList(ctx, deleted, { resourceVersion: String(await ctx.deps.source.currentRevision()) });
}
