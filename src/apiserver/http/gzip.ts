// gzip of large responses, as Kubernetes' API server does (APIResponseCompression): a response of
// at least 128 KiB to a client that accepts gzip goes out compressed, at level 1 (upstream's), on
// zlib's thread pool. Long-running requests (watch, proxy, log, exec, attach, port-forward) are
// never held back or compressed: their bytes must flow as they are written.
import { createGzip, constants as zlib } from "node:zlib";
import { parseRequestInfo } from "../requestinfo.ts";
import { type ApiRequest, header, type ResponseSink } from "./sink.ts";

export const gzipThresholdBytes = 128 * 1024;

// Upstream's BasicLongRunningRequestCheck: these verbs and subresources.
const longRunningVerbs = new Set(["watch", "proxy"]);
const longRunningSubresources = new Set(["attach", "exec", "proxy", "log", "portforward"]);

/** True when Accept-Encoding lists gzip (or `*`) without `q=0`. */
export function acceptsGzip(acceptEncoding: string): boolean {
  for (const part of acceptEncoding.split(",")) {
    const [coding = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (coding !== "gzip" && coding !== "*") continue;
    const q = params.find((p) => p.startsWith("q="));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** Whether `req`'s response may be compressed: a client that asks, and not a stream or upgrade. */
export function mayCompress(req: ApiRequest): boolean {
  if (req.upgrade || req.method === "HEAD" || !acceptsGzip(header(req, "accept-encoding"))) return false;
  let info: ReturnType<typeof parseRequestInfo>;
  try {
    info = parseRequestInfo(req.method, new URL(req.url, "http://apiserver.invalid"));
  } catch {
    return false;
  }
  // A proxy subresource carries the proxied path after it (`proxy/metrics`).
  const subresource = info.subresource.split("/")[0] ?? "";
  return !(
    info.isResourceRequest &&
    (longRunningVerbs.has(info.verb) || longRunningSubresources.has(subresource))
  );
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

function without(headers: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== name));
}

const bytes = (chunk: string | Uint8Array): Uint8Array =>
  typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;

/**
 * `res`, compressing what it is given once the body reaches the threshold. A response without a
 * Content-Length (a streamed list) is held until it is known to be large or has ended; one whose
 * Content-Length is under the threshold, or that is already encoded, passes straight through.
 */
export function compressLarge(res: ResponseSink, threshold = gzipThresholdBytes): ResponseSink {
  let head: { status: number; headers: Record<string, string> } | undefined;
  let held: Uint8Array[] = [];
  let heldBytes = 0;
  let passThrough = false;
  let gzip: ReturnType<typeof createGzip> | undefined;

  const startGzip = (): ReturnType<typeof createGzip> => {
    const h = head ?? { status: 200, headers: {} };
    const z = createGzip({ level: 1, flush: zlib.Z_NO_FLUSH });
    res.writeHead(h.status, {
      ...without(without(h.headers, "content-length"), "vary"),
      "Content-Encoding": "gzip",
      Vary: "Accept-Encoding",
    });
    z.on("data", (out: Buffer) => res.write(out));
    z.on("end", () => res.end());
    z.on("error", () => res.end());
    res.onClose(() => z.destroy());
    for (const chunk of held) z.write(chunk);
    held = [];
    gzip = z;
    return z;
  };

  return {
    get headersSent() {
      return head !== undefined || passThrough || res.headersSent;
    },
    get closed() {
      return res.closed;
    },
    onClose: (listener) => res.onClose(listener),
    writeHead(status, headers) {
      const length = headerValue(headers, "content-length");
      const small = length !== undefined && Number(length) < threshold;
      // Only whole 2xx bodies: a 304 or an error has nothing worth compressing.
      const bodiless = status < 200 || status >= 300 || status === 204;
      if (small || bodiless || headerValue(headers, "content-encoding") !== undefined) {
        passThrough = true;
        res.writeHead(status, headers);
        return;
      }
      head = { status, headers };
    },
    write(chunk) {
      if (passThrough) return res.write(chunk);
      if (gzip) {
        gzip.write(bytes(chunk));
        return;
      }
      const b = bytes(chunk);
      held.push(b);
      heldBytes += b.length;
      if (heldBytes >= threshold) startGzip();
    },
    end(chunk) {
      if (passThrough) return res.end(chunk);
      if (gzip) {
        gzip.end(chunk === undefined ? undefined : bytes(chunk));
        return;
      }
      if (chunk !== undefined) {
        const b = bytes(chunk);
        held.push(b);
        heldBytes += b.length;
      }
      if (heldBytes >= threshold) {
        startGzip().end();
        return;
      }
      const body = Buffer.concat(held);
      held = [];
      const h = head ?? { status: 200, headers: {} };
      res.writeHead(h.status, {
        ...without(h.headers, "content-length"),
        "Content-Length": String(body.length),
      });
      res.end(body);
    },
  };
}
