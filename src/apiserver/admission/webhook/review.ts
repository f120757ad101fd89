// AdmissionReview v1: the request a webhook gets for one admission attempt, and what its
// response means (allowed, denial status, base64 JSONPatch, warnings, audit annotations).
import { randomUUID } from "node:crypto";
import { ApiError, BadRequestError } from "../../../api/errors.ts";
import type { AdmissionAttributes } from "../../admission.ts";
import type { JsonValue } from "../../patch/json.ts";
import { decodeJsonPatch, type JsonPatchOperation } from "../../patch/jsonpatch.ts";

export interface ReviewRequest {
  uid: string;
  body: string;
}

const optionsKind = { CREATE: "CreateOptions", UPDATE: "UpdateOptions", DELETE: "DeleteOptions" } as const;

export function buildReview(attrs: AdmissionAttributes): ReviewRequest {
  const uid = randomUUID();
  const { def } = attrs;
  const kind = { group: def.group, version: def.version, kind: def.kind };
  const resource = { group: def.group, version: def.version, resource: def.resource };
  const request = {
    uid,
    kind,
    resource,
    ...(attrs.subresource ? { subResource: attrs.subresource } : {}),
    requestKind: kind,
    requestResource: resource,
    ...(attrs.subresource ? { requestSubResource: attrs.subresource } : {}),
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.namespace && def.namespaced ? { namespace: attrs.namespace } : {}),
    operation: attrs.operation,
    userInfo: {
      username: attrs.user.name,
      ...(attrs.user.uid ? { uid: attrs.user.uid } : {}),
      ...(attrs.user.groups.length > 0 ? { groups: attrs.user.groups } : {}),
      ...(attrs.user.extra ? { extra: attrs.user.extra } : {}),
    },
    object: attrs.object ?? null,
    oldObject: attrs.oldObject ?? null,
    dryRun: attrs.dryRun,
    options: { apiVersion: "meta.k8s.io/v1", kind: optionsKind[attrs.operation] },
  };
  return {
    uid,
    body: JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request }),
  };
}

export interface ReviewResponse {
  allowed: boolean;
  status?: { code?: number; message?: string; reason?: string };
  patch?: JsonPatchOperation[];
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

/** Thrown for answers that break the protocol: upstream treats them like a failed call. */
export class ReviewProtocolError extends Error {
  override name = "ReviewProtocolError";
}

export function parseReview(text: string, uid: string): ReviewResponse {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new ReviewProtocolError("received invalid webhook response: the response is not JSON");
  }
  const review = doc as { apiVersion?: string; kind?: string; response?: Record<string, unknown> };
  if (review.kind !== "AdmissionReview" || review.apiVersion !== "admission.k8s.io/v1") {
    throw new ReviewProtocolError(
      `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${review.apiVersion ?? ""}, Kind=${review.kind ?? ""}`,
    );
  }
  const r = review.response;
  if (!r) throw new ReviewProtocolError("webhook response was absent");
  if (r.uid !== uid)
    throw new ReviewProtocolError(`expected response.uid="${uid}", got "${String(r.uid ?? "")}"`);
  let patch: JsonPatchOperation[] | undefined;
  if (typeof r.patch === "string" && r.patch !== "") {
    if (r.patchType !== "JSONPatch")
      throw new ReviewProtocolError(`webhook returned invalid patchType: "${String(r.patchType ?? "")}"`);
    try {
      patch = decodeJsonPatch(JSON.parse(Buffer.from(r.patch, "base64").toString("utf8")) as JsonValue);
    } catch (err) {
      throw new ReviewProtocolError(
        `received undecodable patch in webhook response: ${(err as Error).message}`,
      );
    }
  }
  return {
    allowed: r.allowed === true,
    ...(r.status ? { status: r.status as ReviewResponse["status"] } : {}),
    ...(patch ? { patch } : {}),
    warnings: Array.isArray(r.warnings) ? (r.warnings as unknown[]).map(String) : [],
    auditAnnotations: (r.auditAnnotations ?? {}) as Record<string, string>,
  };
}

/** admission.ToStatusErr: at least 400, the webhook's message after `denied the request`. */
export function denial(webhook: string, status: ReviewResponse["status"]): ApiError {
  const code = (status?.code ?? 0) < 400 ? 400 : (status?.code ?? 400);
  const deniedBy = `admission webhook "${webhook}" denied the request`;
  const message = status?.message
    ? `${deniedBy}: ${status.message}`
    : status?.reason
      ? `${deniedBy}: ${status.reason}`
      : `${deniedBy} without explanation`;
  return new ApiError(code, status?.reason ?? "", message);
}

export function dryRunUnsupported(webhook: string): ApiError {
  return new BadRequestError(`admission webhook "${webhook}" does not support dry run`);
}
