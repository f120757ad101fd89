// The kubelet server's HTTP errors (answered as a Kubernetes Status) and the query/header helpers
// its plain and streaming endpoints share.
import type { IncomingMessage } from "node:http";
import { ApiError, toStatus } from "../../api/errors.ts";

/** The kubelet server's errors are the API's: one Status shape (src/api/errors.ts). */
export class HttpError extends ApiError {}

export function statusBody(err: HttpError): string {
  return JSON.stringify(toStatus(err));
}

export function flag(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === "true" || v === "1";
}

/** Values of a header that may be repeated or comma-separated (X-Stream-Protocol-Version). */
export function headerList(req: IncomingMessage, name: string): string[] {
  const raw = req.headers[name.toLowerCase()];
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return values
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}
