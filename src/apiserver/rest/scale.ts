// The scale subresource: autoscaling/v1 Scale views of `ScaleSpec` paths, with get, update
// (PUT of a Scale) and patch (the patch applies to the Scale, the result to the object).
import { BadRequestError } from "../../api/errors.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import type { ResourceDef, ScaleSpec } from "../../api/resource.ts";
import { type LabelSelectorObject, labelSelectorToString } from "../../api/selector/label.ts";
import { mediaType, readBody } from "../http/body.ts";
import { writeJson } from "../http/respond.ts";
import { header } from "../http/sink.ts";
import type { RestContext } from "./context.ts";
import { decodeBody } from "./decode.ts";
import { meta } from "./meta.ts";
import { readObject } from "./read.ts";
import { persistUpdate } from "./write.ts";

function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let cur = obj;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1] ?? ""] = value;
}

export function toScale(def: ResourceDef, spec: ScaleSpec, obj: KubeObject): KubeObject {
  const m = obj.metadata ?? {};
  const selectorValue = spec.labelSelectorPath ? getPath(obj, spec.labelSelectorPath) : undefined;
  const selector =
    typeof selectorValue === "string"
      ? selectorValue
      : isPlainObject(selectorValue)
        ? labelSelectorToString(selectorValue as LabelSelectorObject)
        : "";
  const status: Record<string, unknown> = { replicas: Number(getPath(obj, spec.statusReplicasPath) ?? 0) };
  if (selector) status.selector = selector;
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: def.namespaced ? m.namespace : undefined,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, spec.specReplicasPath) ?? 0) },
    status,
  };
}

function scaleSpec(ctx: RestContext): ScaleSpec {
  const spec = ctx.def.scale;
  if (!spec) throw new BadRequestError(`${ctx.def.resource} has no scale subresource`);
  return spec;
}

/** Applies the replicas of a (patched or PUT) Scale onto the object. */
function applyScale(spec: ScaleSpec, current: KubeObject, scale: KubeObject): KubeObject {
  const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
  if (
    replicas !== undefined &&
    (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
  ) {
    throw new BadRequestError(
      `Scale.spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be a non-negative integer`,
    );
  }
  setPath(current, spec.specReplicasPath, replicas ?? 0);
  const rv = scale.metadata?.resourceVersion;
  if (rv) meta(current).resourceVersion = rv;
  else delete meta(current).resourceVersion;
  return current;
}

export async function getScale(ctx: RestContext): Promise<void> {
  const spec = scaleSpec(ctx);
  writeJson(ctx.res, 200, toScale(ctx.def, spec, await readObject(ctx)));
}

export async function updateScale(ctx: RestContext): Promise<void> {
  const spec = scaleSpec(ctx);
  const body = await readBody(ctx.req);
  const scale = decodeBody(
    { ...ctx, deps: { ...ctx.deps, decoder: undefined } },
    body,
    header(ctx.req, "content-type"),
  );
  if (scale.kind !== undefined && scale.kind !== "Scale") {
    throw new BadRequestError(
      `the kind in the data (${String(scale.kind)}) does not match the expected kind (Scale)`,
    );
  }
  await persistUpdate(ctx, {
    name: ctx.info.name,
    namespace: ctx.def.namespaced ? ctx.info.namespace : "",
    build: (current) => applyScale(spec, current, scale),
    render: (obj) => toScale(ctx.def, spec, obj),
  });
}

export async function patchScale(ctx: RestContext): Promise<void> {
  const spec = scaleSpec(ctx);
  const body = await readBody(ctx.req);
  const contentType = mediaType(header(ctx.req, "content-type"));
  await persistUpdate(ctx, {
    name: ctx.info.name,
    namespace: ctx.def.namespaced ? ctx.info.namespace : "",
    build: (current) => {
      const scale = ctx.deps.patcher({
        current: toScale(ctx.def, spec, current),
        patch: body,
        contentType,
        schema: undefined,
        fieldManager: ctx.query.get("fieldManager") ?? "",
        force: false,
        target: { group: "autoscaling", version: "v1", kind: "Scale" },
      });
      return applyScale(spec, current, scale);
    },
    render: (obj) => toScale(ctx.def, spec, obj),
  });
}
