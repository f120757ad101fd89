// The create-only review resources: authorization.k8s.io/v1 SubjectAccessReview,
// LocalSubjectAccessReview, SelfSubjectAccessReview, SelfSubjectRulesReview (`kubectl auth
// can-i [--list]`) and authentication.k8s.io/v1 TokenReview, SelfSubjectReview (`kubectl auth whoami`).
import type { PolicyRule } from "kubernetes-types/rbac/v1.js";
import { BadRequestError } from "../../api/errors.ts";
import { isPlainObject, type KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { isProtobuf, readBody } from "../http/body.ts";
import { header } from "../http/sink.ts";
import type { RestContext, SubresourceHandler } from "../rest/context.ts";
import { decodeBody } from "../rest/decode.ts";
import { respondObject } from "../rest/respond.ts";
import { type Attributes, type DecisionAuthorizer, nonResourceAttributes } from "./attributes.ts";
import type { Authenticator } from "./authn.ts";
import { decodeReviewProtobuf } from "./review-proto.ts";
import type { UserInfo } from "./user.ts";

const authz = "authorization.k8s.io";
const authn = "authentication.k8s.io";

function review(group: string, resource: string, kind: string, namespaced = false): ResourceDef {
  return {
    group,
    version: "v1",
    resource,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    verbs: ["create"],
    strategy: {},
  };
}

export function reviewResources(): ResourceDef[] {
  return [
    review(authn, "selfsubjectreviews", "SelfSubjectReview"),
    review(authn, "tokenreviews", "TokenReview"),
    review(authz, "localsubjectaccessreviews", "LocalSubjectAccessReview", true),
    review(authz, "selfsubjectaccessreviews", "SelfSubjectAccessReview"),
    review(authz, "selfsubjectrulesreviews", "SelfSubjectRulesReview"),
    review(authz, "subjectaccessreviews", "SubjectAccessReview"),
  ];
}

/** What the review handlers consult. */
export interface ReviewOptions {
  /** Undefined: AlwaysAllow (everything is allowed). */
  authorizer?: DecisionAuthorizer;
  /** Rules for SelfSubjectRulesReview; undefined: everything. */
  rulesFor?: (user: UserInfo, namespace: string) => PolicyRule[];
  authenticator: Authenticator;
}

type Spec = Record<string, unknown>;

async function readSpec(ctx: RestContext): Promise<{ body: Record<string, unknown>; spec: Spec }> {
  const raw = await readBody(ctx.req);
  const type = header(ctx.req, "content-type");
  const body =
    isProtobuf(type) && ctx.def.group === authz
      ? decodeReviewProtobuf(raw, ctx.def.kind)
      : (decodeBody(ctx, raw, type) as Record<string, unknown>);
  return { body, spec: isPlainObject(body.spec) ? body.spec : {} };
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function userInfoJson(u: UserInfo): Record<string, unknown> {
  return {
    username: u.name,
    ...(u.uid ? { uid: u.uid } : {}),
    groups: u.groups,
    ...(u.extra ? { extra: u.extra } : {}),
  };
}

function respond(ctx: RestContext, body: Record<string, unknown>, status: Record<string, unknown>): void {
  const meta = isPlainObject(body.metadata) ? body.metadata : {};
  const out = { ...body, metadata: { ...meta, creationTimestamp: null }, status } as unknown as KubeObject;
  respondObject(ctx, 201, out);
}

function accessAttributes(user: UserInfo, spec: Spec, namespaceOverride?: string): Attributes {
  const r = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const n = isPlainObject(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined;
  if (!r && !n)
    throw new BadRequestError(
      "spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
    );
  if (r) {
    return {
      user,
      verb: str(r.verb),
      isResourceRequest: true,
      path: "",
      namespace: namespaceOverride ?? str(r.namespace),
      apiGroup: str(r.group),
      apiVersion: str(r.version),
      resource: str(r.resource),
      subresource: str(r.subresource),
      name: str(r.name),
    };
  }
  return nonResourceAttributes(user, str(n?.verb), str(n?.path));
}

function decide(o: ReviewOptions, a: Attributes): Record<string, unknown> {
  if (!o.authorizer) return { allowed: true };
  const d = o.authorizer.decide(a);
  return {
    allowed: d.decision === "allow",
    ...(d.decision === "deny" ? { denied: true } : {}),
    ...(d.reason !== "" ? { reason: d.reason } : {}),
  };
}

function subjectOf(spec: Spec): UserInfo {
  const groups = Array.isArray(spec.groups)
    ? spec.groups.filter((g): g is string => typeof g === "string")
    : [];
  const extra = isPlainObject(spec.extra) ? (spec.extra as Record<string, string[]>) : undefined;
  return {
    name: str(spec.user),
    groups,
    ...(str(spec.uid) ? { uid: str(spec.uid) } : {}),
    ...(extra ? { extra } : {}),
  };
}

export function reviewHandlers(o: ReviewOptions): Map<string, SubresourceHandler> {
  const everything: PolicyRule[] = [
    { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
    { verbs: ["*"], nonResourceURLs: ["*"] },
  ];
  return new Map<string, SubresourceHandler>([
    [
      `${authz}/subjectaccessreviews`,
      async (ctx) => {
        const { body, spec } = await readSpec(ctx);
        const subject = subjectOf(spec);
        if (subject.name === "" && subject.groups.length === 0) {
          throw new BadRequestError(
            'spec.user: Invalid value: "": at least one of user or group must be specified',
          );
        }
        respond(ctx, body, decide(o, accessAttributes(subject, spec)));
      },
    ],
    [
      `${authz}/localsubjectaccessreviews`,
      async (ctx) => {
        const { body, spec } = await readSpec(ctx);
        const ns = ctx.info.namespace;
        const r = isPlainObject(spec.resourceAttributes) ? spec.resourceAttributes : {};
        if (str(r.namespace) !== "" && str(r.namespace) !== ns) {
          throw new BadRequestError(
            `spec.resourceAttributes.namespace must match metadata.namespace: ${str(r.namespace)}`,
          );
        }
        respond(ctx, body, decide(o, accessAttributes(subjectOf(spec), spec, ns)));
      },
    ],
    [
      `${authz}/selfsubjectaccessreviews`,
      async (ctx) => {
        const { body, spec } = await readSpec(ctx);
        respond(ctx, body, decide(o, accessAttributes(ctx.user, spec)));
      },
    ],
    [
      `${authz}/selfsubjectrulesreviews`,
      async (ctx) => {
        const { body, spec } = await readSpec(ctx);
        const rules = o.rulesFor ? o.rulesFor(ctx.user, str(spec.namespace)) : everything;
        const resourceRules = rules
          .filter((r) => (r.nonResourceURLs ?? []).length === 0)
          .map((r) => ({
            verbs: r.verbs,
            ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}),
            ...(r.resources ? { resources: r.resources } : {}),
            ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
          }));
        const nonResourceRules = rules
          .filter((r) => (r.nonResourceURLs ?? []).length > 0)
          .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
        respond(ctx, body, { resourceRules, nonResourceRules, incomplete: false });
      },
    ],
    [
      `${authn}/tokenreviews`,
      async (ctx) => {
        const { body, spec } = await readSpec(ctx);
        const token = str(spec.token);
        const audiences = Array.isArray(spec.audiences)
          ? spec.audiences.filter((a): a is string => typeof a === "string")
          : [];
        let user: UserInfo | undefined;
        let error = "";
        try {
          user = await o.authenticator.authenticateToken?.(
            token,
            audiences.length > 0 ? audiences : undefined,
          );
        } catch (err) {
          error = err instanceof Error ? err.message : String(err);
        }
        respond(
          ctx,
          body,
          user
            ? {
                authenticated: true,
                user: userInfoJson(user),
                ...(audiences.length > 0 ? { audiences } : {}),
              }
            : { user: {}, error: error || "invalid bearer token" },
        );
      },
    ],
    [
      `${authn}/selfsubjectreviews`,
      async (ctx) => {
        const { body } = await readSpec(ctx);
        respond(ctx, body, { userInfo: userInfoJson(ctx.user) });
      },
    ],
  ]);
}
