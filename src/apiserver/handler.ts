// The filter chain every request runs through, over HTTPS or in-process:
// recover → request-info → authn → authz → (admission inside writes) → handler.
import { setMaxListeners } from "node:events";
import { ApiError, RouteNotFoundError, UnauthorizedError } from "../api/errors.ts";
import type { PatchSchema } from "../api/patchschema.ts";
import type { Registry } from "../api/registry.ts";
import type { ResourceDef } from "../api/resource.ts";
import type { Store } from "../storage/store.ts";
import type { AdmissionPlugin } from "./admission.ts";
import { AdmissionChain } from "./admission.ts";
import type { Auditor } from "./audit/recorder.ts";
import { type Authenticator, anonymousAllowed, createAuthenticator } from "./auth/authn.ts";
import { type Authorizer, allowAuthenticated } from "./auth/authz.ts";
import type { UserInfo } from "./auth/user.ts";
import { anonymousUser } from "./auth/user.ts";
import {
  aggregatedDiscovery,
  apiGroupDoc,
  apiGroupList,
  legacyApiVersions,
  resourceList,
  serverVersion,
} from "./discovery.ts";
import { aggregatedDiscoveryType, wantsAggregatedDiscovery } from "./http/negotiate.ts";
import { writeError, writeJson } from "./http/respond.ts";
import type { ApiRequest, ResponseSink } from "./http/sink.ts";
import { beginRequest, endRequest, type RequestTracking } from "./monitoring/requests.ts";
import { parseRequestInfo, type RequestInfo } from "./requestinfo.ts";
import type { Decoder, Patcher, RestContext, RestDeps, SubresourceHandler } from "./rest/context.ts";
import { fallbackPatcher } from "./rest/fallbackpatch.ts";
import { serveResource } from "./rest/router.ts";
import type { ObjectSource } from "./rest/source.ts";
import { ObjectStore } from "./storage/objectstore.ts";
import { StoreSource } from "./storage/storesource.ts";

export interface Logger {
  error(obj: object, msg: string): void;
  debug?(obj: object, msg: string): void;
}

/** Serves a non-resource path (e.g. /openapi/...); returns false when it does not handle it. */
export type PathHandler = (req: ApiRequest, res: ResponseSink, url: URL) => Promise<boolean> | boolean;

export interface ApiHandlerOptions {
  registry: Registry;
  store: Store;
  /** Default: client certificates only. */
  authenticator?: Authenticator;
  /** Default: every authenticated user may do everything. */
  authorizer?: Authorizer;
  admission?: readonly AdmissionPlugin[];
  /** Default: the interim merge/JSON patcher. */
  patcher?: Patcher;
  patchSchemaFor?: (def: ResourceDef) => PatchSchema | undefined;
  decoder?: Decoder;
  /** LIST/WATCH source (the watch cache); default: the Store directly. */
  source?: ObjectSource;
  subresources?: ReadonlyMap<string, SubresourceHandler>;
  /** Create-only resources with no storage (reviews), keyed `${group}/${resource}`. */
  virtualResources?: ReadonlyMap<string, SubresourceHandler>;
  /** Tried for non-resource paths before the built-in ones (OpenAPI). */
  pathHandlers?: readonly PathHandler[];
  /** host:port advertised in /api; a function when the port is known only once the listener is bound. */
  serverAddress?: string | (() => string);
  logger?: Logger;
  now?: () => Date;
  /** `--audit-policy-file` and `--audit-log-path`: every request's audit events. */
  auditor?: Auditor;
}

// kubectl validates against OpenAPI before create/apply; until the schema handlers are wired,
// an empty protobuf OpenAPI v2 document (`swagger: "2.0"`) makes it skip client-side checks.
const emptyOpenApiV2 = Buffer.from([0x0a, 0x03, 0x32, 0x2e, 0x30]);

export class ApiHandler {
  private serverAddress(): string {
    const a = this.options.serverAddress;
    return (typeof a === "function" ? a() : a) ?? "127.0.0.1:6443";
  }

  private readonly deps: RestDeps;
  private readonly authenticator: Authenticator;
  private readonly authorizer: Authorizer;
  private readonly abort = new AbortController();
  private inflight = 0;
  private idle: (() => void)[] = [];

  constructor(private readonly options: ApiHandlerOptions) {
    // Every open watch listens for shutdown on this one signal: many listeners are expected.
    setMaxListeners(0, this.abort.signal);
    this.authenticator = options.authenticator ?? createAuthenticator();
    this.authorizer = options.authorizer ?? allowAuthenticated;
    this.deps = {
      registry: options.registry,
      objects: new ObjectStore(options.store),
      source: options.source ?? new StoreSource(options.store),
      admission: new AdmissionChain(options.admission ?? []),
      patcher: options.patcher ?? fallbackPatcher,
      ...(options.patchSchemaFor ? { patchSchemaFor: options.patchSchemaFor } : {}),
      ...(options.decoder ? { decoder: options.decoder } : {}),
      subresources: options.subresources ?? new Map(),
      now: options.now ?? (() => new Date()),
      shutdown: this.abort.signal,
    };
  }

  /** Runs the whole chain; never throws. */
  async serve(req: ApiRequest, rawRes: ResponseSink): Promise<void> {
    this.inflight++;
    const started = performance.now();
    const warnings: string[] = [];
    const audit = this.options.auditor?.begin(req);
    const res = withWarnings(audit ? audit.response(rawRes) : rawRes, warnings);
    let info: RequestInfo | undefined;
    let tracking: RequestTracking | undefined;
    try {
      const url = new URL(req.url, "http://apiserver.invalid");
      info = parseRequestInfo(req.method, url);
      const user = await this.authenticate(req, info);
      const audited = audit ? audit.authenticated(info, user, req) : req;
      await this.authorizer.authorize(user, info);
      tracking = beginRequest(req, info, this.options.registry);
      await this.route(audited, res, url, info, user, warnings);
    } catch (err) {
      const status = writeError(res, err);
      if (status.code >= 500 && !(err instanceof ApiError && err.code === 503)) {
        this.options.logger?.error({ err, method: req.method, url: req.url }, "request failed");
      }
    } finally {
      if (info) endRequest(req, info, tracking, res.status, started);
      audit?.complete(info);
      this.inflight--;
      if (this.inflight === 0) for (const f of this.idle.splice(0)) f();
    }
  }

  /** Ends every watch; later requests still work until the transport stops accepting them. */
  closeWatches(): void {
    this.abort.abort();
  }

  /** Resolves when no request is in flight. */
  drained(): Promise<void> {
    if (this.inflight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private async authenticate(req: ApiRequest, info: RequestInfo): Promise<UserInfo> {
    const user = await this.authenticator.authenticate(req);
    if (user) return user;
    if (anonymousAllowed(info.path)) return anonymousUser;
    throw new UnauthorizedError();
  }

  private async route(
    req: ApiRequest,
    res: ResponseSink,
    url: URL,
    info: RequestInfo,
    user: UserInfo,
    warnings: string[],
  ): Promise<void> {
    if (info.isResourceRequest) {
      const def = this.options.registry.resource(info.apiGroup, info.apiVersion, info.resource);
      if (!def) throw new RouteNotFoundError();
      if (!def.namespaced && info.namespace !== "" && def.resource !== "namespaces")
        throw new RouteNotFoundError();
      if (
        def.namespaced &&
        info.namespace === "" &&
        !["list", "watch", "deletecollection"].includes(info.verb)
      ) {
        throw new RouteNotFoundError();
      }
      const ctx: RestContext = {
        def,
        info,
        query: url.searchParams,
        req,
        res,
        user,
        deps: this.deps,
        warnings,
      };
      const virtual = this.options.virtualResources?.get(`${def.group}/${def.resource}`);
      if (virtual && info.subresource === "" && info.verb === "create" && info.name === "") {
        await virtual(ctx);
        return;
      }
      await serveResource(ctx);
      return;
    }
    for (const h of this.options.pathHandlers ?? []) if (await h(req, res, url)) return;
    if (req.method !== "GET" && req.method !== "HEAD") throw new RouteNotFoundError();
    const registry = this.options.registry;
    const path = url.pathname.replace(/\/+$/, "") || "/";
    switch (path) {
      case "/version":
        return writeJson(res, 200, serverVersion);
      case "/healthz":
      case "/livez":
      case "/readyz":
        res.writeHead(200, {
          "Content-Type": "text/plain; charset=utf-8",
          "X-Content-Type-Options": "nosniff",
        });
        return res.end("ok");
      case "/api":
        if (wantsAggregatedDiscovery(req)) {
          return writeJson(res, 200, aggregatedDiscovery(registry, true), aggregatedDiscoveryType);
        }
        return writeJson(res, 200, legacyApiVersions(this.serverAddress()));
      case "/apis":
        if (wantsAggregatedDiscovery(req)) {
          return writeJson(res, 200, aggregatedDiscovery(registry, false), aggregatedDiscoveryType);
        }
        return writeJson(res, 200, apiGroupList(registry));
      case "/openapi/v2":
        res.writeHead(200, { "Content-Type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf" });
        return res.end(emptyOpenApiV2.toString("latin1"));
    }
    if (info.apiPrefix !== "" && info.apiVersion !== "") {
      const list = resourceList(registry, info.apiGroup, info.apiVersion);
      if (list) return writeJson(res, 200, list);
    } else if (info.apiPrefix === "apis") {
      const group = url.pathname.split("/").filter(Boolean)[1];
      const doc = group ? apiGroupDoc(registry, group) : undefined;
      if (doc) return writeJson(res, 200, doc);
    }
    throw new RouteNotFoundError();
  }
}

function withWarnings(res: ResponseSink, warnings: string[]): ResponseSink & { status: number } {
  return {
    /** The response code written, for the request metrics (0: none, the client went away). */
    status: 0,
    get headersSent() {
      return res.headersSent;
    },
    get closed() {
      return res.closed;
    },
    writeHead(status, headers) {
      this.status = status;
      if (warnings.length > 0) {
        headers = { ...headers, Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ") };
      }
      res.writeHead(status, headers);
    },
    write: (chunk) => res.write(chunk),
    end: (chunk) => res.end(chunk),
    onClose: (listener) => res.onClose(listener),
  };
}
