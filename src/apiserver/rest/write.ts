// CREATE and the shared update path used by PUT, PATCH, status and scale: metadata bookkeeping,
// strategy hooks, admission, validation, dry run, no-op detection and optimistic concurrency.
import {
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
} from "../../api/errors.ts";
import type { FieldError } from "../../api/field.ts";
import type { KubeObject } from "../../api/object.ts";
import { type ResourceDef, updatesStatusOnly } from "../../api/resource.ts";
import type { AdmissionAttributes } from "../admission.ts";
import { readBody } from "../http/body.ts";
import { writeJson } from "../http/respond.ts";
import { header } from "../http/sink.ts";
import { cloneJson } from "../patch/json.ts";
import { groupResource } from "../storage/objectstore.ts";
import { isDryRun, type RestContext } from "./context.ts";
import { decodeBody } from "./decode.ts";
import { shouldDeleteDuringUpdate } from "./deletion.ts";
import { jsonEqual } from "./jsonequal.ts";
import { trackWrite } from "./managedfields.ts";
import {
  carryOverMeta,
  checkTypeMeta,
  meta,
  prepareCreateMeta,
  settleNamespace,
  timestamp,
  validateObjectMeta,
} from "./meta.ts";
import { respondObject, withTypeMeta } from "./respond.ts";

/**
 * Runs a strategy hook. A hook that trips over a malformed value (e.g. `spec: "x"`) throws a
 * TypeError; that is the client's mistake, so it becomes 400 instead of 500.
 */
export function runHook<T>(def: ResourceDef, hook: () => T): T {
  try {
    return hook();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof TypeError || err instanceof RangeError) {
      throw new BadRequestError(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${err.message}`,
      );
    }
    throw err;
  }
}

/** Admission plugins get the same treatment as strategy hooks for malformed values. */
async function runAdmission(def: ResourceDef, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (err) {
    runHook(def, () => {
      throw err;
    });
  }
}

function dedupe(errs: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errs.filter((e) => {
    const k = `${e.type}|${e.field}|${String(e.badValue)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export function validateOrThrow(def: ResourceDef, obj: KubeObject, old?: KubeObject): void {
  const errs = [...validateObjectMeta(def, obj)];
  runHook(def, () => {
    errs.push(...(def.strategy.validate?.(obj) ?? []));
    if (old) errs.push(...(def.strategy.validateUpdate?.(obj, old) ?? []));
  });
  if (errs.length > 0) throw new InvalidError(def.group, def.kind, obj.metadata?.name ?? "", dedupe(errs));
}

function admissionAttrs(
  ctx: RestContext,
  op: AdmissionAttributes["operation"],
  obj?: KubeObject,
  old?: KubeObject,
) {
  return {
    def: ctx.def,
    operation: op,
    subresource: ctx.info.subresource,
    namespace: obj?.metadata?.namespace ?? old?.metadata?.namespace ?? ctx.info.namespace,
    name: obj?.metadata?.name ?? old?.metadata?.name ?? ctx.info.name,
    object: obj,
    oldObject: old,
    user: ctx.user,
    dryRun: isDryRun(ctx.query),
    warnings: ctx.warnings,
    ...(ctx.req.auditAnnotations ? { auditAnnotations: ctx.req.auditAnnotations } : {}),
  };
}

/** Kubernetes refuses new objects in missing (404) or terminating (403) namespaces. */
export async function ensureNamespaceWritable(
  ctx: RestContext,
  namespace: string,
  name: string,
): Promise<void> {
  const nsDef = ctx.deps.registry.resource("", "v1", "namespaces");
  if (!nsDef || !ctx.def.namespaced) return;
  // Namespaces change rarely: the watch cache answers (a miss, e.g. one created just now, asks
  // the Store), which saves a Store read per create (a round trip with etcd).
  const ns =
    ctx.deps.source.peek?.(nsDef, "", namespace) ?? (await ctx.deps.objects.get(nsDef, "", namespace));
  if (!ns) throw new NotFoundError({ group: "", resource: "namespaces" }, namespace);
  const phase = (ns.status as { phase?: unknown } | undefined)?.phase;
  if (ns.metadata?.deletionTimestamp || phase === "Terminating") {
    throw new ForbiddenError(
      `${ctx.def.resource}${ctx.def.group ? `.${ctx.def.group}` : ""} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
      {
        name,
        group: ctx.def.group || undefined,
        kind: ctx.def.resource,
        causes: [
          {
            reason: "NamespaceTerminating",
            message: `namespace ${namespace} is being terminated`,
            field: "metadata.namespace",
          },
        ],
      },
    );
  }
}

export async function createObject(ctx: RestContext): Promise<void> {
  const { def } = ctx;
  const body = decodeBody(ctx, await readBody(ctx.req), header(ctx.req, "content-type"));
  checkTypeMeta(def, body);
  withTypeMeta(def, body);
  settleNamespace(def, body, ctx.info.namespace);
  await persistCreate(ctx, body);
}

export interface CreateOptions {
  /** The object already carries its managedFields (server-side apply): no Update entry is added. */
  applied?: boolean;
}

/** Creates `body` (type meta and namespace settled): the common create path of POST and apply. */
export async function persistCreate(
  ctx: RestContext,
  body: KubeObject,
  options: CreateOptions = {},
): Promise<void> {
  const { def, deps } = ctx;
  const requested = meta(body).name;
  const generated = !requested && Boolean(meta(body).generateName);
  if (def.namespaced) await ensureNamespaceWritable(ctx, meta(body).namespace ?? "", requested ?? "");
  for (let attempt = 0; ; attempt++) {
    // `body` is the caller's to hand over; only a generated name may need a second, clean try.
    let obj = generated ? cloneJson(body) : body;
    prepareCreateMeta(def, obj, deps.now());
    runHook(def, () => {
      def.strategy.prepareForCreate?.(obj);
      def.strategy.defaults?.(obj);
    });
    if (!options.applied) obj = trackWrite(ctx, { live: undefined, updated: obj });
    const attrs = admissionAttrs(ctx, "CREATE", obj);
    await runAdmission(def, () => deps.admission.admit(attrs));
    validateOrThrow(def, obj);
    await runAdmission(def, () => deps.admission.validate(attrs));
    if (isDryRun(ctx.query)) {
      respondObject(ctx, 201, obj);
      return;
    }
    try {
      const created = await deps.objects.create(def, obj);
      respondObject(ctx, 201, created);
      return;
    } catch (err) {
      // A generated name that collides is retried with a new suffix, like Kubernetes does.
      if (!(generated && err instanceof ApiError && err.reason === "AlreadyExists" && attempt < 7)) throw err;
    }
  }
}

export interface UpdateRequest {
  name: string;
  namespace: string;
  /** Builds the desired object from a copy of the current one (`live`: the current one, read-only). */
  build(current: KubeObject, live: Readonly<KubeObject>): KubeObject | Promise<KubeObject>;
  /** Only `status` may change (status subresource). */
  statusOnly?: boolean;
  /** Turns the written object into the response (scale returns a Scale). */
  render?(obj: KubeObject): KubeObject;
  /** `build` wrote managedFields itself (server-side apply): no Update entry is added. */
  applied?: boolean;
}

/** Read-modify-write with retries on Store conflicts; explicit resourceVersions make it a precondition. */
export async function persistUpdate(ctx: RestContext, request: UpdateRequest): Promise<void> {
  const { def, deps } = ctx;
  const gr = groupResource(def);
  const respond = (obj: KubeObject): void => {
    if (request.render) writeJson(ctx.res, 200, request.render(obj));
    else respondObject(ctx, 200, obj);
  };
  for (let attempt = 0; ; attempt++) {
    const current = await deps.objects.get(def, request.namespace, request.name);
    if (!current) throw new NotFoundError(gr, request.name);
    const currentRv = current.metadata?.resourceVersion ?? "";
    const built = await request.build(cloneJson(current), current);
    const wanted = meta(built);
    if (wanted.resourceVersion && wanted.resourceVersion !== currentRv)
      throw new ConflictError(gr, request.name);
    if (wanted.uid && wanted.uid !== current.metadata?.uid) {
      throw new ConflictError(
        gr,
        request.name,
        `Precondition failed: UID in precondition: ${wanted.uid}, UID in object meta: ${current.metadata?.uid ?? ""}`,
      );
    }
    let next: KubeObject;
    if (request.statusOnly) {
      next = cloneJson(current);
      next.status = built.status;
    } else {
      next = built;
      withTypeMeta(def, next);
      wanted.name = request.name;
      if (def.namespaced) wanted.namespace = request.namespace;
      else delete wanted.namespace;
      if (def.hasStatus) {
        if (current.status === undefined) delete next.status;
        else next.status = cloneJson(current.status);
      }
      carryOverMeta(next, current);
      runHook(def, () => def.strategy.prepareForUpdate?.(next, current));
    }
    meta(next).resourceVersion = currentRv;
    runHook(def, () => def.strategy.defaults?.(next));
    if (!request.applied) next = trackWrite(ctx, { live: current, updated: next });
    const attrs = admissionAttrs(ctx, "UPDATE", next, current);
    await runAdmission(def, () => deps.admission.admit(attrs));
    validateOrThrow(def, next, current);
    await runAdmission(def, () => deps.admission.validate(attrs));
    // A write that changes nothing keeps the resourceVersion (and emits no watch event).
    if (jsonEqual(next, current)) {
      respond(current);
      return;
    }
    if (isDryRun(ctx.query)) {
      respond(next);
      return;
    }
    try {
      if (shouldDeleteDuringUpdate(next, current, def.strategy)) {
        // The last finalizer is gone: the deletion completes now.
        const deleted = await deps.objects.delete(def, request.namespace, request.name, Number(currentRv));
        respond(deleted);
        return;
      }
      const updated = await deps.objects.update(def, next, Number(currentRv));
      respond(updated);
      return;
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "Conflict" && attempt < 5)) throw err;
    }
  }
}

export async function updateObject(ctx: RestContext): Promise<void> {
  const { def, info } = ctx;
  const body = decodeBody(ctx, await readBody(ctx.req), header(ctx.req, "content-type"));
  checkTypeMeta(def, body);
  const m = meta(body);
  if (m.name !== undefined && m.name !== info.name) {
    throw new BadRequestError(
      `the name of the object (${String(m.name)}) does not match the name on the URL (${info.name})`,
    );
  }
  settleNamespace(def, body, info.namespace);
  await persistUpdate(ctx, {
    name: info.name,
    namespace: def.namespaced ? info.namespace : "",
    statusOnly: updatesStatusOnly(def, info.subresource),
    build: () => body,
  });
}

export { timestamp };
