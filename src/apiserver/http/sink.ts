// The transport-neutral request and response the filter chain works on. The HTTPS server
// adapts node:http objects to these; in-process clients implement them directly.
import type { Duplex } from "node:stream";

/** Identity established by the transport (a verified client certificate), if any. */
export interface PeerCertificate {
  commonName: string;
  organizations: string[];
}

export interface ApiRequest {
  method: string;
  /** Path plus query, as on the request line. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  peerCertificate?: PeerCertificate;
  /** The raw connection of an Upgrade request (exec, attach, port-forward), HTTPS only. */
  upgrade?: { socket: Duplex; head: Buffer };
  /** Annotations admission adds to this request's audit event (present when it is audited). */
  auditAnnotations?: Record<string, string>;
  /** The client's address (audit sourceIPs); absent for in-process requests. */
  remoteAddress?: string;
  /** Pre-authenticated caller for in-process transports (bypasses credential checks only). */
  inProcessUser?: { name: string; uid?: string; groups: string[] };
}

export interface ResponseSink {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string>): void;
  /** Writes one chunk and flushes it (watch events go out as they happen). */
  write(chunk: string | Uint8Array): void;
  end(chunk?: string | Uint8Array): void;
  /** Called once when the client goes away or the response ends. */
  onClose(listener: () => void): void;
  readonly closed: boolean;
}

export function header(req: ApiRequest, name: string): string {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(", ") : (v ?? "");
}
