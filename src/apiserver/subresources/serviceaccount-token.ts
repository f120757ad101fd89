// serviceaccounts/token (TokenRequest): issues a bound, audience-scoped, expiring JWT for the
// service account, optionally bound to a pod or secret of its namespace (the token dies with it).
import {
  BadRequestError,
  ConflictError,
  InvalidError,
  MethodNotAllowedError,
  NotFoundError,
} from "../../api/errors.ts";
import { FieldPath, fieldErrors } from "../../api/field.ts";
import { isPlainObject } from "../../api/object.ts";
import type { BoundObject, ServiceAccountTokens } from "../auth/serviceaccount/tokens.ts";
import { decodeObject, isProtobuf, protobufAsJson, readBody } from "../http/body.ts";
import { writeJson } from "../http/respond.ts";
import { header } from "../http/sink.ts";
import type { RestContext, SubresourceHandler } from "../rest/context.ts";
import { timestamp } from "../rest/meta.ts";

const minSeconds = 600;
const maxSeconds = 2 ** 32;

async function readTokenRequest(ctx: RestContext): Promise<Record<string, unknown>> {
  const raw = await readBody(ctx.req);
  const type = header(ctx.req, "content-type");
  if (isProtobuf(type)) {
    return JSON.parse(
      protobufAsJson(raw, { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest" }).toString("utf8"),
    ) as Record<string, unknown>;
  }
  return raw.length === 0 ? {} : decodeObject(raw, type);
}

export function tokenRequestHandler(tokens: ServiceAccountTokens): SubresourceHandler {
  return async (ctx) => {
    if (ctx.info.verb !== "create") throw new MethodNotAllowedError();
    const { namespace, name } = ctx.info;
    const body = await readTokenRequest(ctx);
    const spec = isPlainObject(body.spec) ? body.spec : {};
    const sa = await ctx.deps.objects.get(ctx.def, namespace, name);
    if (!sa) throw new NotFoundError({ group: "", resource: "serviceaccounts" }, name);
    const seconds = typeof spec.expirationSeconds === "number" ? spec.expirationSeconds : 3600;
    const at = FieldPath.root("spec").child("expirationSeconds");
    if (seconds < minSeconds) {
      throw new InvalidError("authentication.k8s.io", "TokenRequest", name, [
        fieldErrors.invalid(at, seconds, "may not specify a duration less than 10 minutes"),
      ]);
    }
    if (seconds > maxSeconds) {
      throw new InvalidError("authentication.k8s.io", "TokenRequest", name, [
        fieldErrors.invalid(at, seconds, "may not specify a duration larger than 2^32 seconds"),
      ]);
    }
    const audiences = Array.isArray(spec.audiences)
      ? spec.audiences.filter((a): a is string => typeof a === "string")
      : [];
    const bound = await boundObject(ctx, namespace, name, spec.boundObjectRef);
    const { token, expiration } = await tokens.issue({
      namespace,
      serviceAccount: { name, uid: sa.metadata?.uid ?? "" },
      audiences: audiences.length > 0 ? audiences : [tokens.issuer],
      expirationSeconds: seconds,
      ...(bound ? { bound } : {}),
      now: ctx.deps.now(),
    });
    writeJson(ctx.res, 201, {
      kind: "TokenRequest",
      apiVersion: "authentication.k8s.io/v1",
      metadata: { name, namespace, creationTimestamp: timestamp(ctx.deps.now()) },
      spec: {
        audiences: audiences.length > 0 ? audiences : [tokens.issuer],
        expirationSeconds: seconds,
        boundObjectRef: isPlainObject(spec.boundObjectRef) ? spec.boundObjectRef : null,
      },
      status: { token, expirationTimestamp: timestamp(expiration) },
    });
  };
}

async function boundObject(
  ctx: RestContext,
  namespace: string,
  saName: string,
  ref: unknown,
): Promise<BoundObject | undefined> {
  if (!isPlainObject(ref)) return undefined;
  const kind = ref.kind;
  const name = typeof ref.name === "string" ? ref.name : "";
  if (kind !== "Pod" && kind !== "Secret") {
    throw new BadRequestError(`cannot bind token to object of type ${String(kind)}`);
  }
  if (ref.apiVersion !== undefined && ref.apiVersion !== "v1") {
    throw new BadRequestError(`cannot bind token to object of type ${String(ref.apiVersion)}, ${kind}`);
  }
  const resource = kind === "Pod" ? "pods" : "secrets";
  const def = ctx.deps.registry.resource("", "v1", resource);
  const obj = def ? await ctx.deps.objects.get(def, namespace, name) : undefined;
  if (!obj) throw new NotFoundError({ group: "", resource }, name);
  const uid = obj.metadata?.uid ?? "";
  if (typeof ref.uid === "string" && ref.uid !== "" && ref.uid !== uid) {
    throw new ConflictError(
      { group: "", resource },
      name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  if (kind === "Pod") {
    const podSa = (obj as { spec?: { serviceAccountName?: string } }).spec?.serviceAccountName || "default";
    if (podSa !== saName) {
      throw new BadRequestError(
        `cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`,
      );
    }
  }
  return { kind, name, uid };
}
