import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AlreadyExistsError,
  type ApiError,
  ConflictError,
  GoneError,
  InvalidError,
  NotFoundError,
  TooManyRequestsError,
  toStatus,
} from "../api/errors.ts";
import { fieldErrors } from "../api/field.ts";
import { errorFromResponse } from "./errors.ts";

const roundTrip = (err: ApiError): ApiError => errorFromResponse(err.code, JSON.stringify(toStatus(err)));

describe("errorFromResponse", () => {
  it("gives back the typed error with the server's message and details", () => {
    const cases: ApiError[] = [
      new NotFoundError({ group: "apps", resource: "deployments" }, "web"),
      new AlreadyExistsError({ group: "", resource: "pods" }, "p"),
      new ConflictError({ group: "", resource: "pods" }, "p"),
      new GoneError("too old resource version: 1 (5)"),
      new TooManyRequestsError("slow down", 3),
    ];
    for (const original of cases) {
      const parsed = roundTrip(original);
      assert.equal(parsed.constructor, original.constructor);
      assert.equal(parsed.message, original.message);
      assert.equal(parsed.code, original.code);
      assert.equal(parsed.reason, original.reason);
      assert.deepEqual(parsed.details, toStatus(original).details);
    }
  });

  it("keeps Invalid causes", () => {
    const invalid = new InvalidError("", "Pod", "p", [fieldErrors.required("spec.containers")]);
    const parsed = roundTrip(invalid);
    assert.ok(parsed instanceof InvalidError);
    assert.equal(parsed.message, invalid.message);
    assert.equal(parsed.details?.causes?.[0]?.field, "spec.containers");
  });

  it("falls back to the HTTP code for bodies that are not a Status", () => {
    const e = errorFromResponse(409, "<html>oops</html>");
    assert.equal(e.code, 409);
    assert.equal(e.message, "<html>oops</html>");
    const route = errorFromResponse(404, "404 page not found");
    assert.equal(route instanceof NotFoundError, false, "a missing route is not a missing object");
    assert.equal(route.code, 404);
    assert.equal(errorFromResponse(418, "").reason, "Unknown");
  });
});
