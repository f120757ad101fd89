// Audit events of one request (audit.k8s.io/v1 Event): RequestReceived once the caller is
// known, ResponseStarted for watches, ResponseComplete at the end, with the request and
// response bodies when the policy's level asks for them.
import { randomUUID } from "node:crypto";
import type { UserInfo } from "../auth/user.ts";
import { isProtobuf, protobufAsJson } from "../http/body.ts";
import type { ApiRequest, ResponseSink } from "../http/sink.ts";
import { header } from "../http/sink.ts";
import type { RequestInfo } from "../requestinfo.ts";
import type { AuditLog } from "./log.ts";
import { type AuditPolicy, atLeast, evaluate, type Level, type Stage } from "./policy.ts";

/** Kubernetes keeps bodies out of audit events beyond this size; so do we. */
const maxBodyBytes = 3 * 1024 * 1024;

export interface AuditorOptions {
  policy: AuditPolicy;
  log: AuditLog;
  now?: () => Date;
}

export class Auditor {
  constructor(private readonly options: AuditorOptions) {}

  begin(req: ApiRequest): AuditRecorder {
    return new AuditRecorder(this.options, req);
  }
}

/** The body as JSON; typed kubectl commands send protobuf, which is re-encoded first. */
function parseJson(chunks: readonly Buffer[], contentType = ""): unknown {
  const size = chunks.reduce((n, c) => n + c.length, 0);
  if (size === 0 || size > maxBodyBytes) return undefined;
  try {
    const raw = Buffer.concat(chunks);
    return JSON.parse((isProtobuf(contentType) ? protobufAsJson(raw) : raw).toString("utf8"));
  } catch {
    return undefined;
  }
}

export class AuditRecorder {
  private readonly auditID = randomUUID();
  private readonly received: Date;
  private info: RequestInfo | undefined;
  private user: UserInfo | undefined;
  private level: Level = "None";
  private omit = new Set<Stage>();
  private evaluated = false;
  private status = 0;
  private readonly requestChunks: Buffer[] = [];
  private readonly responseChunks: Buffer[] = [];
  private captureResponse = true;
  private responseType = "";
  private readonly annotations: Record<string, string> = {};

  constructor(
    private readonly options: AuditorOptions,
    private readonly req: ApiRequest,
  ) {
    this.received = this.now();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** The caller is known: decide the level, log RequestReceived, tee the body if it is wanted. */
  authenticated(info: RequestInfo, user: UserInfo, req: ApiRequest): ApiRequest {
    this.info = info;
    this.user = user;
    this.decide();
    this.emit("RequestReceived");
    if (this.level === "None") return req;
    // Admission plugins (PodSecurity audit mode, webhooks) write here; ResponseComplete has them.
    // Writes are read at Metadata too: a create names its object only in the body.
    const writes = ["create", "update", "patch"].includes(info.verb);
    if (!info.isResourceRequest || (!atLeast(this.level, "Request") && !writes))
      return { ...req, auditAnnotations: this.annotations };
    const chunks = this.requestChunks;
    const source = req.body;
    async function* tee() {
      for await (const chunk of source) {
        const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
        chunks.push(buf);
        yield buf;
      }
    }
    return { ...req, body: tee(), auditAnnotations: this.annotations };
  }

  /** Captures the status (and, for RequestResponse or failures, the body) of the response. */
  response(res: ResponseSink): ResponseSink {
    const capture = (chunk: string | Uint8Array | undefined) => {
      if (!this.captureResponse || chunk === undefined) return;
      this.responseChunks.push(typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk));
    };
    return {
      get headersSent() {
        return res.headersSent;
      },
      get closed() {
        return res.closed;
      },
      writeHead: (status, headers) => {
        this.status = status;
        this.responseType = headers["Content-Type"] ?? headers["content-type"] ?? "";
        // Bodies are kept for RequestResponse, and failures for their Status; watches stream
        // for as long as they last, so their events are never kept.
        this.captureResponse =
          this.info?.verb !== "watch" && (this.level === "RequestResponse" || status >= 400);
        if (this.info?.verb === "watch") this.emit("ResponseStarted");
        res.writeHead(status, headers);
      },
      write: (chunk) => {
        capture(chunk);
        res.write(chunk);
      },
      end: (chunk) => {
        capture(chunk);
        res.end(chunk);
      },
      onClose: (listener) => res.onClose(listener),
    };
  }

  complete(info: RequestInfo | undefined): void {
    this.info ??= info;
    this.decide();
    this.emit("ResponseComplete");
  }

  private decide(): void {
    if (this.evaluated || !this.info) return;
    const { level, omit } = evaluate(this.options.policy, this.user, this.info);
    this.level = level;
    this.omit = omit;
    this.evaluated = true;
  }

  private emit(stage: Stage): void {
    if (this.level === "None" || this.omit.has(stage) || !this.info) return;
    const info = this.info;
    const user = this.user;
    const event: Record<string, unknown> = {
      kind: "Event",
      apiVersion: "audit.k8s.io/v1",
      level: this.level,
      auditID: this.auditID,
      stage,
      requestURI: this.req.url,
      verb: info.verb,
      user: user
        ? {
            username: user.name,
            ...(user.uid ? { uid: user.uid } : {}),
            groups: user.groups,
            ...(user.extra ? { extra: user.extra } : {}),
          }
        : {},
      sourceIPs: this.sourceIPs(),
      userAgent: header(this.req, "user-agent"),
    };
    if (info.isResourceRequest) {
      event.objectRef = {
        resource: info.resource,
        ...(info.namespace ? { namespace: info.namespace } : {}),
        ...(info.name ? { name: info.name } : {}),
        ...(info.apiGroup ? { apiGroup: info.apiGroup } : {}),
        apiVersion: info.apiVersion,
        ...(info.subresource ? { subresource: info.subresource } : {}),
      };
    }
    if (stage !== "RequestReceived") event.responseStatus = this.responseStatus();
    if (stage === "ResponseComplete") {
      const body = parseJson(this.requestChunks, header(this.req, "content-type"));
      if (body !== undefined && atLeast(this.level, "Request")) event.requestObject = body;
      // A create names its object in the body, not the URL; upstream's objectRef has it too.
      const named = (body as { metadata?: { name?: unknown } } | undefined)?.metadata?.name;
      const ref = event.objectRef as Record<string, unknown> | undefined;
      if (ref && ref.name === undefined && typeof named === "string") ref.name = named;
    }
    if (stage === "ResponseComplete" && this.level === "RequestResponse" && this.captureResponse) {
      const body = parseJson(this.responseChunks, this.responseType);
      if (body !== undefined) event.responseObject = body;
    }
    if (Object.keys(this.annotations).length > 0) event.annotations = { ...this.annotations };
    event.requestReceivedTimestamp = this.received.toISOString();
    event.stageTimestamp = this.now().toISOString();
    this.options.log.write(event);
  }

  private responseStatus(): Record<string, unknown> {
    const out: Record<string, unknown> = { metadata: {}, code: this.status };
    if (this.status >= 400) {
      const body = parseJson(this.responseChunks) as
        | { status?: string; message?: string; reason?: string }
        | undefined;
      if (body?.status) out.status = body.status;
      if (body?.message) out.message = body.message;
      if (body?.reason) out.reason = body.reason;
    }
    return out;
  }

  private sourceIPs(): string[] {
    const forwarded = header(this.req, "x-forwarded-for")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    const remote = this.req.remoteAddress?.replace(/^::ffff:/, "");
    return [...forwarded, ...(remote ? [remote] : [])];
  }
}
