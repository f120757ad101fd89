// Writing JSON bodies and Status errors: every failure leaves through `writeError`.
import { type Status, toStatus } from "../../api/errors.ts";
import type { ResponseSink } from "./sink.ts";

export const jsonType = "application/json";

export function writeJson(res: ResponseSink, status: number, body: unknown, contentType = jsonType): void {
  writeJsonText(res, status, JSON.stringify(body), contentType);
}

/** As writeJson, with the body already serialized. */
export function writeJsonText(res: ResponseSink, status: number, text: string, contentType = jsonType): void {
  res.writeHead(status, { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(text)) });
  res.end(text);
}

export function writeError(res: ResponseSink, err: unknown): Status {
  const status = toStatus(err);
  if (res.headersSent) {
    // Mid-stream failure (a watch or a streamed list): nothing better than ending the response.
    res.end();
    return status;
  }
  writeJson(res, status.code, status);
  return status;
}
