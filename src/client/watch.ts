// A watch over a TransportStream: newline-delimited JSON events decoded as they arrive; ERROR
// events carry the typed ApiError of their Status (410 Expired → GoneError).
import type { ApiError, Status } from "../api/errors.ts";
import { isPlainObject } from "../api/object.ts";
import { errorFromResponse, errorFromStatus } from "./errors.ts";
import type { ObjectLike } from "./object.ts";
import { readAll, type Transport, type TransportRequest } from "./transport.ts";

export type WatchEvent<T extends ObjectLike = ObjectLike> =
  | { type: "ADDED" | "MODIFIED" | "DELETED"; object: T }
  /** Only `metadata.resourceVersion` is meaningful: the watch has seen everything up to it. */
  | { type: "BOOKMARK"; object: T }
  | { type: "ERROR"; error: ApiError };

export interface Watch {
  /** Ends the watch from the client side. Idempotent. */
  stop(): void;
  /** Resolves when the stream ends (server timeout, `stop`, after an ERROR); rejects if the connection broke. */
  done: Promise<void>;
}

/** Splits text chunks into complete lines; a partial last line waits for the next chunk. */
export class LineSplitter {
  private rest = "";
  push(chunk: string, onLine: (line: string) => void): void {
    const text = this.rest + chunk;
    let start = 0;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", start)) {
      const line = text.slice(start, i).trim();
      start = i + 1;
      if (line !== "") onLine(line);
    }
    this.rest = text.slice(start);
  }
}

export function decodeWatchLine<T extends ObjectLike>(line: string): WatchEvent<T> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isPlainObject(parsed) || typeof parsed.type !== "string" || !isPlainObject(parsed.object))
    return undefined;
  const { type, object } = parsed;
  if (type === "ERROR") {
    const status = object as unknown as Status;
    return { type, error: errorFromStatus(status, typeof status.code === "number" ? status.code : 500) };
  }
  if (type === "ADDED" || type === "MODIFIED" || type === "DELETED" || type === "BOOKMARK") {
    return { type, object: object as T };
  }
  return undefined;
}

/**
 * Opens a watch; resolves once the server accepted it (HTTP 200), rejects with the typed error
 * otherwise (e.g. GoneError for a 410 before the stream starts).
 */
export async function openWatch<T extends ObjectLike>(
  transport: Transport,
  request: TransportRequest,
  onEvent: (e: WatchEvent<T>) => void,
): Promise<Watch> {
  const stream = await transport.stream(request);
  if (stream.status < 200 || stream.status > 299) {
    const body = await readAll(stream);
    throw errorFromResponse(stream.status, body);
  }
  const lines = new LineSplitter();
  let stopped = false;
  stream.onChunk((chunk) => {
    if (stopped) return;
    lines.push(chunk, (line) => {
      if (stopped) return;
      const event = decodeWatchLine<T>(line);
      if (event) onEvent(event);
    });
  });
  const done = stream.done.finally(() => {
    stopped = true;
  });
  done.catch(() => {});
  return {
    stop() {
      stopped = true;
      stream.cancel();
    },
    done,
  };
}
