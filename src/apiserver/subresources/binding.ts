// pods/binding: the scheduler's write that assigns a pod to a node (spec.nodeName, once) and
// marks it PodScheduled, with the Binding's annotations merged in (Kubernetes' BindingREST).
import type { Pod, PodCondition } from "kubernetes-types/core/v1.js";
import {
  ApiError,
  BadRequestError,
  ConflictError,
  MethodNotAllowedError,
  NotFoundError,
  successStatus,
} from "../../api/errors.ts";
import { type FieldError, fieldErrorString, fieldErrors } from "../../api/field.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import { writeJson } from "../http/respond.ts";
import { isDryRun, type RestContext } from "../rest/context.ts";
import { meta, timestamp } from "../rest/meta.ts";
import { checkBodyName, readKindBody } from "./body.ts";

interface BindingTarget {
  kind: string;
  name: string;
}

function bindingTarget(body: Record<string, unknown>): BindingTarget {
  const target = isPlainObject(body.target) ? body.target : {};
  const kind = typeof target.kind === "string" ? target.kind : "";
  const name = typeof target.name === "string" ? target.name : "";
  const errs: FieldError[] = [];
  if (kind !== "" && kind !== "Node")
    errs.push(fieldErrors.notSupported("target.kind", kind, ["Node", "<empty>"]));
  if (name === "") errs.push(fieldErrors.required("target.name", ""));
  if (errs.length > 0) {
    const list = errs.map(fieldErrorString);
    throw new BadRequestError(list.length === 1 ? (list[0] ?? "") : `[${list.join(", ")}]`);
  }
  return { kind, name };
}

/** podutil.UpdatePodCondition: the transition time moves only when the status changes. */
export function setPodCondition(pod: Pod, condition: PodCondition, now: Date): void {
  const conditions = [...(pod.status?.conditions ?? [])];
  const i = conditions.findIndex((c) => c.type === condition.type);
  const old = conditions[i];
  const next: PodCondition = {
    ...condition,
    lastTransitionTime: old && old.status === condition.status ? old.lastTransitionTime : timestamp(now),
  };
  if (old) conditions[i] = next;
  else conditions.push(next);
  Object.assign(pod, { status: { ...(pod.status ?? {}), conditions } });
}

/** Assigns the pod to the node; `namespace`/`name` come from the URL or the Binding. */
export async function bindPod(
  ctx: RestContext,
  namespace: string,
  body: Record<string, unknown>,
  name: string,
): Promise<void> {
  const { deps } = ctx;
  const target = bindingTarget(body);
  const pods = { group: "", resource: "pods" };
  const bindingResource = { group: "", resource: "pods/binding" };
  const metadata = isPlainObject(body.metadata) ? body.metadata : {};
  const annotations = isPlainObject(metadata.annotations) ? metadata.annotations : {};
  const def = deps.registry.resource("", "v1", "pods");
  if (!def) throw new NotFoundError(pods, name);
  for (let attempt = 0; ; attempt++) {
    const current = await deps.objects.get(def, namespace, name);
    if (!current) throw new NotFoundError(pods, name);
    const m = meta(current);
    if (typeof metadata.uid === "string" && metadata.uid !== "" && metadata.uid !== m.uid) {
      throw new ConflictError(
        pods,
        name,
        `Precondition failed: UID in precondition: ${metadata.uid}, UID in object meta: ${m.uid ?? ""}`,
      );
    }
    const pod = current as Pod & KubeObject;
    if (m.deletionTimestamp) {
      throw new ConflictError(
        bindingResource,
        name,
        `pod ${name} is being deleted, cannot be assigned to a host`,
      );
    }
    if (pod.spec?.nodeName) {
      throw new ConflictError(
        bindingResource,
        name,
        `pod ${name} is already assigned to node "${pod.spec.nodeName}"`,
      );
    }
    if ((pod.spec?.schedulingGates ?? []).length > 0) {
      throw new ConflictError(bindingResource, name, `pod ${name} has non-empty .spec.schedulingGates`);
    }
    // objects.get decodes a private copy from storage on every call: change it in place
    // (structuredClone of the whole pod cost about a fifth of a binding's CPU).
    const next = pod;
    Object.assign(next, { spec: { ...(next.spec ?? { containers: [] }), nodeName: target.name } });
    const nm = meta(next);
    for (const [k, v] of Object.entries(annotations)) {
      if (typeof v === "string") nm.annotations = { ...(nm.annotations ?? {}), [k]: v };
    }
    setPodCondition(next, { type: "PodScheduled", status: "True" }, deps.now());
    if (isDryRun(ctx.query)) break;
    try {
      await deps.objects.update(def, next, Number(m.resourceVersion));
      break;
    } catch (err) {
      if (!(err instanceof ApiError && err.reason === "Conflict" && attempt < 5)) throw err;
    }
  }
  writeJson(ctx.res, 201, successStatus(201));
}

/** POST .../pods/NAME/binding */
export async function createPodBinding(ctx: RestContext): Promise<void> {
  if (ctx.info.verb !== "create") throw new MethodNotAllowedError();
  const body = await readKindBody(ctx, "Binding", ["v1"]);
  checkBodyName(body, ctx.info.name, "Binding");
  await bindPod(ctx, ctx.info.namespace, body, ctx.info.name);
}
