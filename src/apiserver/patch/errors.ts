// Patch failures whose Status Kubernetes builds in a way src/api/errors.ts has no class for.
import { ApiError, InternalError } from "../../api/errors.ts";

/**
 * A patch that does not apply (failed JSON-patch `test`, missing path, list of lists in a strategic
 * merge patch). The apiserver answers NewGenericServerResponse(422): reason Invalid and a fixed
 * message; the specific text is lost on the wire, so it is kept in `detail` for logs.
 */
export class PatchNotApplicableError extends ApiError {
  constructor(readonly detail: string) {
    super(422, "Invalid", "the server rejected our request due to an error in our request", {});
  }
}

/**
 * A strategic merge patch error that Kubernetes does not map to a status (a missing merge key, an
 * unknown `$patch` value): the apiserver answers 500. Ours says "Internal error occurred: <text>",
 * where Kubernetes sends the bare text with reason Unknown.
 */
export class StrategicMergePatchError extends InternalError {}
