// What a REST handler gets for one request: the resource, the parsed URL, the caller, the
// response, and the shared services (object store, admission, patcher, clock).
import type { KubeObject } from "../../api/object.ts";
import type { PatchSchema } from "../../api/patchschema.ts";
import type { Registry } from "../../api/registry.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { AdmissionChain } from "../admission.ts";
import type { UserInfo } from "../auth/user.ts";
import type { ApiRequest, ResponseSink } from "../http/sink.ts";
import type { RequestInfo } from "../requestinfo.ts";
import type { ObjectStore } from "../storage/objectstore.ts";
import type { ObjectSource } from "./source.ts";

/** Applies a PATCH body of the given media type to the current object (src/apiserver/patch). */
export type Patcher = (options: {
  /** A copy of the current object that is the patcher's: it may change it and share it. */
  current: KubeObject;
  patch: Buffer;
  contentType: string;
  schema: PatchSchema | undefined;
  fieldManager: string;
  force: boolean;
  /** The kind the patched document must decode as (the resource's, or autoscaling/v1 Scale). */
  target: { group: string; version: string; kind: string };
}) => KubeObject;

/** Strict decoding (src/api/schema): unknown/duplicate fields per fieldValidation mode. */
export type Decoder = (options: {
  def: ResourceDef;
  body: Buffer;
  contentType: string;
  mode: "Strict" | "Warn" | "Ignore";
}) => { object: KubeObject; warnings: string[] };

/** Extra handlers for subresources other than status and scale (log, exec, binding, eviction…). */
export type SubresourceHandler = (ctx: RestContext) => Promise<void>;

export interface RestDeps {
  registry: Registry;
  objects: ObjectStore;
  /** Reads for list/watch (the watch cache, or the Store directly). */
  source: ObjectSource;
  admission: AdmissionChain;
  patcher: Patcher;
  patchSchemaFor?: (def: ResourceDef) => PatchSchema | undefined;
  decoder?: Decoder;
  /** Keyed `${group}/${resource}/${subresource}`. */
  subresources: ReadonlyMap<string, SubresourceHandler>;
  now: () => Date;
  /** Closed when the server shuts down: watches end. */
  shutdown: AbortSignal;
}

export interface RestContext {
  def: ResourceDef;
  info: RequestInfo;
  query: URLSearchParams;
  req: ApiRequest;
  res: ResponseSink;
  user: UserInfo;
  deps: RestDeps;
  /** Sent as `Warning: 299 - "..."` headers. */
  warnings: string[];
}

export function isDryRun(query: URLSearchParams): boolean {
  return query.getAll("dryRun").includes("All");
}
