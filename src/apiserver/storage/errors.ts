// The one place where Store failures become API errors.
import {
  AlreadyExistsError,
  ApiError,
  BadRequestError,
  ConflictError,
  GoneError,
  type GroupResource,
  NotFoundError,
  ServiceUnavailableError,
  TimeoutError,
} from "../../api/errors.ts";
import * as store from "../../storage/store.ts";

export function tooOldResourceVersion(requested: number, compacted: number): GoneError {
  return new GoneError(`too old resource version: ${requested} (${compacted})`);
}

export function storeErrorToApi(err: unknown, gr: GroupResource, name: string): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof store.KeyExistsError) return new AlreadyExistsError(gr, name);
  if (err instanceof store.KeyNotFoundError) return new NotFoundError(gr, name);
  if (err instanceof store.ConflictError) return new ConflictError(gr, name);
  if (err instanceof store.CompactedError)
    return tooOldResourceVersion(err.requestedRevision, err.compactRevision);
  if (err instanceof store.InvalidRequestError) return new BadRequestError(err.message);
  if (err instanceof store.StoreClosedError || err instanceof store.StoreUnavailableError) {
    return new ServiceUnavailableError(`storage is unavailable: ${err.message}`);
  }
  return err;
}

export function tooLargeResourceVersion(requested: number, current: number): TimeoutError {
  return new TimeoutError(`Too large resource version: ${requested}, current: ${current}`, 1);
}
