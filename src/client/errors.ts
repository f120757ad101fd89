// Turns a failed response (a metav1.Status body, or none) into the typed ApiErrors of
// src/api/errors.ts, so callers test `instanceof NotFoundError`, never message strings.
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  GoneError,
  InternalError,
  InvalidError,
  MethodNotAllowedError,
  NotAcceptableError,
  NotFoundError,
  RequestEntityTooLargeError,
  ServiceUnavailableError,
  type Status,
  type StatusDetails,
  TimeoutError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
} from "../api/errors.ts";
import type { FieldError, FieldErrorType } from "../api/field.ts";
import { isPlainObject } from "../api/object.ts";

/** Parses a response body as a Status when it is one. */
export function parseStatus(body: string): Status | undefined {
  try {
    const value: unknown = JSON.parse(body);
    if (isPlainObject(value) && value.kind === "Status") return value as unknown as Status;
  } catch {
    // not JSON: the caller falls back to the HTTP code
  }
  return undefined;
}

function build(code: number, reason: string, message: string, details: StatusDetails): ApiError {
  const gr = { group: details.group ?? "", resource: details.kind ?? "" };
  const name = details.name ?? "";
  switch (reason) {
    case "NotFound":
      return new NotFoundError(gr, name);
    case "AlreadyExists":
      return new AlreadyExistsError(gr, name);
    case "Conflict":
      return new ConflictError(gr, name);
    case "Invalid": {
      const causes: FieldError[] = (details.causes ?? []).map((c) => ({
        type: (c.reason ?? "FieldValueInvalid") as FieldErrorType,
        field: c.field ?? "",
        detail: c.message,
      }));
      return new InvalidError(details.group ?? "", details.kind ?? "", name, causes);
    }
    case "Expired":
    case "Gone":
      return new GoneError(message);
    case "BadRequest":
      return new BadRequestError(message, details.causes);
    case "Unauthorized":
      return new UnauthorizedError(message);
    case "Forbidden":
      return new ForbiddenError(message, details);
    case "MethodNotAllowed":
      return new MethodNotAllowedError(message);
    case "NotAcceptable":
      return new NotAcceptableError(message);
    case "RequestEntityTooLarge":
      return new RequestEntityTooLargeError(message);
    case "UnsupportedMediaType":
      return new UnsupportedMediaTypeError("");
    case "TooManyRequests":
      return new TooManyRequestsError(message, details.retryAfterSeconds);
    case "InternalError":
      return new InternalError(message);
    case "ServiceUnavailable":
      return new ServiceUnavailableError(message);
    case "Timeout":
      return new TimeoutError(message, details.retryAfterSeconds);
  }
  return new ApiError(code, reason, message, details);
}

const reasonByCode: Record<number, string> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  405: "MethodNotAllowed",
  406: "NotAcceptable",
  409: "Conflict",
  410: "Expired",
  413: "RequestEntityTooLarge",
  415: "UnsupportedMediaType",
  422: "Invalid",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

/**
 * The typed error for a Status (or for a bare HTTP code when the body is not a Status). The
 * server's message and details are kept verbatim: the subclass only supplies the type.
 */
export function errorFromStatus(status: Status | undefined, httpCode: number, body = ""): ApiError {
  const code = status?.code ?? httpCode;
  const reason = status?.reason || reasonByCode[code] || "Unknown";
  const message = status?.message ?? (body.trim() || `the server responded with HTTP ${httpCode}`);
  const details = status?.details ?? {};
  // A 404 without details is a missing route, not a missing object: keep the generic class.
  const err =
    reason === "NotFound" && !details.name
      ? new ApiError(code, reason, message, details)
      : build(code, reason, message, details);
  Object.defineProperty(err, "message", { value: message, writable: true, configurable: true });
  Object.defineProperty(err, "details", { value: status?.details, writable: false, configurable: true });
  return err;
}

/** The typed error for a failed response. */
export function errorFromResponse(httpCode: number, body: string): ApiError {
  return errorFromStatus(parseStatus(body), httpCode, body);
}
