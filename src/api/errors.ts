// Typed API failures. Each class knows its HTTP code and Status reason; `toStatus` in this file
// is the one place where failures become a metav1.Status body.
import { type FieldError, fieldErrorMessage, fieldErrorString } from "./field.ts";

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, unknown>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** Names a resource in messages the way Kubernetes does: `pods`, `deployments.apps`. */
export interface GroupResource {
  group: string;
  resource: string;
}

export function qualifiedResource(gr: GroupResource): string {
  return gr.group === "" ? gr.resource : `${gr.resource}.${gr.group}`;
}

export class ApiError extends Error {
  override name = "ApiError";
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }
}

export class NotFoundError extends ApiError {
  constructor(gr: GroupResource, name: string) {
    super(404, "NotFound", `${qualifiedResource(gr)} "${name}" not found`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }
}

/** The URL names no resource the server knows. */
export class RouteNotFoundError extends ApiError {
  constructor() {
    super(404, "NotFound", "the server could not find the requested resource", {});
  }
}

export class AlreadyExistsError extends ApiError {
  constructor(gr: GroupResource, name: string) {
    super(409, "AlreadyExists", `${qualifiedResource(gr)} "${name}" already exists`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }
}

export class ConflictError extends ApiError {
  constructor(
    gr: GroupResource,
    name: string,
    why = "the object has been modified; please apply your changes to the latest version and try again",
  ) {
    super(409, "Conflict", `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`, {
      name,
      group: gr.group || undefined,
      kind: gr.resource,
    });
  }
}

/** 422: validation failed. `kind` is the Kind (`Pod`), as Kubernetes reports it. */
export class InvalidError extends ApiError {
  constructor(
    group: string,
    kind: string,
    name: string,
    readonly causes: FieldError[],
  ) {
    const list = causes.map(fieldErrorString);
    const text = list.length === 1 ? list[0] : `[${list.join(", ")}]`;
    super(422, "Invalid", `${kind}${name ? ` "${name}"` : ""} is invalid: ${text}`, {
      name: name || undefined,
      group: group || undefined,
      kind,
      causes: causes.map((c) => ({ reason: c.type, message: fieldErrorMessage(c), field: c.field })),
    });
  }
}

export class BadRequestError extends ApiError {
  constructor(message: string, causes?: StatusCause[]) {
    super(400, "BadRequest", message, causes ? { causes } : undefined);
  }
}

export class UnauthorizedError extends ApiError {
  constructor(message = "Unauthorized") {
    super(401, "Unauthorized", message);
  }
}

export class ForbiddenError extends ApiError {
  constructor(message: string, details?: StatusDetails) {
    super(403, "Forbidden", message, details);
  }
}

export class MethodNotAllowedError extends ApiError {
  constructor(message = "the server does not allow this method on the requested resource") {
    super(405, "MethodNotAllowed", message);
  }
}

export class NotAcceptableError extends ApiError {
  constructor(message: string) {
    super(406, "NotAcceptable", message);
  }
}

/** 410 Gone for a compacted resourceVersion or an expired continue token. */
export class GoneError extends ApiError {
  constructor(message: string) {
    super(410, "Expired", message);
  }
}

export class RequestEntityTooLargeError extends ApiError {
  constructor(message = "Request entity too large: limit is 3145728") {
    super(413, "RequestEntityTooLarge", message);
  }
}

export class UnsupportedMediaTypeError extends ApiError {
  constructor(contentType: string) {
    super(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml; got ${contentType}`,
    );
  }
}

export class TooManyRequestsError extends ApiError {
  constructor(message: string, retryAfterSeconds?: number) {
    super(429, "TooManyRequests", message, retryAfterSeconds ? { retryAfterSeconds } : undefined);
  }
}

export class InternalError extends ApiError {
  constructor(message: string) {
    super(500, "InternalError", `Internal error occurred: ${message}`);
  }
}

export class ServiceUnavailableError extends ApiError {
  constructor(message: string) {
    super(503, "ServiceUnavailable", message);
  }
}

export class TimeoutError extends ApiError {
  constructor(message: string, retryAfterSeconds = 1) {
    super(504, "Timeout", message, { retryAfterSeconds });
  }
}

/** The Status body for any thrown value. Unknown errors become 500 without leaking internals. */
export function toStatus(err: unknown): Status {
  if (err instanceof ApiError) {
    const status: Status = {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: err.message,
      reason: err.reason,
      code: err.code,
    };
    if (
      err.details &&
      Object.keys(err.details).some((k) => err.details?.[k as keyof StatusDetails] !== undefined)
    ) {
      status.details = JSON.parse(JSON.stringify(err.details)) as StatusDetails;
    }
    return status;
  }
  return toStatus(new InternalError(err instanceof Error ? err.message : String(err)));
}

export function successStatus(code = 200, details?: StatusDetails): Status {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    code,
    ...(details ? { details } : {}),
  };
}
