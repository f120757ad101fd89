// Typed operations on one resource: get/list/watch/create/update/updateStatus/patch/delete/
// deleteCollection and subresources (status, scale, binding, eviction, …).
import type { Status } from "../api/errors.ts";
import { groupVersion } from "../api/object.ts";
import type { ObjectLike } from "./object.ts";
import { query, type ResourceCoords, resourcePath } from "./paths.ts";
import type { RestClient } from "./rest.ts";
import type { Watch, WatchEvent } from "./watch.ts";

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: "Exact" | "NotOlderThan";
  signal?: AbortSignal;
}

export interface ListResult<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
  items: T[];
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Watch changes after this version; "" or "0" starts with ADDED events for existing objects. */
  resourceVersion?: string;
  allowWatchBookmarks?: boolean;
  timeoutSeconds?: number;
  /** Watch one object by name. */
  name?: string;
  /** Aborting before the server answers cancels the request. */
  signal?: AbortSignal;
}

export interface WriteOptions {
  namespace?: string;
  dryRun?: boolean;
  fieldManager?: string;
  signal?: AbortSignal;
}

export type PatchType = "merge" | "strategic" | "json" | "apply";

const patchContentType: Record<PatchType, string> = {
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
  apply: "application/apply-patch+yaml",
};

export interface PatchOptions extends WriteOptions {
  type: PatchType;
  subresource?: string;
  /** Server-side apply: take ownership of conflicting fields. */
  force?: boolean;
}

export interface DeleteOptions {
  namespace?: string;
  gracePeriodSeconds?: number;
  propagationPolicy?: "Orphan" | "Background" | "Foreground";
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
  signal?: AbortSignal;
}

export class ResourceClient<T extends ObjectLike = ObjectLike> {
  constructor(
    readonly client: RestClient,
    readonly def: ResourceCoords,
  ) {}

  private ns(explicit: string | undefined, obj?: ObjectLike): string | undefined {
    return this.def.namespaced ? (explicit ?? obj?.metadata?.namespace) : undefined;
  }

  private path(namespace: string | undefined, name?: string, subresource?: string): string {
    return resourcePath(this.def, { namespace, name, subresource });
  }

  private withTypeMeta(obj: ObjectLike): ObjectLike {
    if (obj.apiVersion && obj.kind) return obj;
    return {
      ...obj,
      apiVersion: obj.apiVersion ?? groupVersion(this.def.group, this.def.version),
      ...(this.def.kind && !obj.kind ? { kind: this.def.kind } : {}),
    };
  }

  private writeQuery(o: WriteOptions, extra: Record<string, string | boolean | undefined> = {}): string {
    return query({ dryRun: o.dryRun ? "All" : undefined, fieldManager: o.fieldManager, ...extra });
  }

  get(name: string, options: { namespace?: string; signal?: AbortSignal } = {}): Promise<T> {
    return this.client.request<T>("GET", this.path(this.ns(options.namespace), name), options);
  }

  list(options: ListOptions = {}): Promise<ListResult<T>> {
    const q = query({
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      limit: options.limit,
      continue: options.continue,
      resourceVersion: options.resourceVersion,
      resourceVersionMatch: options.resourceVersionMatch,
    });
    return this.client.request<ListResult<T>>("GET", `${this.path(this.ns(options.namespace))}${q}`, options);
  }

  /** Lists every page (following `continue`); the result carries the first page's resourceVersion. */
  async listAll(options: ListOptions = {}): Promise<ListResult<T>> {
    const first = await this.list(options);
    const items = [...first.items];
    let next = first.metadata.continue;
    while (next) {
      const page = await this.list({ ...options, continue: next, resourceVersion: undefined });
      items.push(...page.items);
      next = page.metadata.continue;
    }
    return { ...first, metadata: { resourceVersion: first.metadata.resourceVersion }, items };
  }

  watch(options: WatchOptions, onEvent: (e: WatchEvent<T>) => void): Promise<Watch> {
    const q = query({
      watch: "true",
      labelSelector: options.labelSelector,
      fieldSelector: options.fieldSelector,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: options.allowWatchBookmarks ? "true" : undefined,
      timeoutSeconds: options.timeoutSeconds,
    });
    return this.client.watch<T>(
      `${this.path(this.ns(options.namespace), options.name)}${q}`,
      onEvent,
      options.signal,
    );
  }

  create(obj: T, options: WriteOptions = {}): Promise<T> {
    const path = `${this.path(this.ns(options.namespace, obj))}${this.writeQuery(options)}`;
    return this.client.request<T>("POST", path, { body: this.withTypeMeta(obj), ...options });
  }

  /** Replaces the object; metadata.resourceVersion (when set) makes it a compare-and-swap. */
  update(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.put(obj, undefined, options);
  }

  updateStatus(obj: T, options: WriteOptions = {}): Promise<T> {
    return this.put(obj, "status", options);
  }

  private put(obj: T, subresource: string | undefined, options: WriteOptions): Promise<T> {
    const name = obj.metadata?.name ?? "";
    const path = `${this.path(this.ns(options.namespace, obj), name, subresource)}${this.writeQuery(options)}`;
    return this.client.request<T>("PUT", path, { body: this.withTypeMeta(obj), ...options });
  }

  patch(name: string, patch: unknown, options: PatchOptions): Promise<T> {
    const extra = { force: options.force === undefined ? undefined : String(options.force) };
    const path = `${this.path(this.ns(options.namespace), name, options.subresource)}${this.writeQuery(options, extra)}`;
    return this.client.request<T>("PATCH", path, {
      body: patch,
      contentType: patchContentType[options.type],
      ...options,
    });
  }

  /** Returns the object when deletion is pending (finalizers, grace period), else a Status. */
  delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    return this.client.request<T | Status>("DELETE", this.path(this.ns(options.namespace), name), {
      body: deleteBody(options),
      ...options,
    });
  }

  deleteCollection(options: ListOptions & DeleteOptions = {}): Promise<Status | ListResult<T>> {
    const q = query({ labelSelector: options.labelSelector, fieldSelector: options.fieldSelector });
    return this.client.request("DELETE", `${this.path(this.ns(options.namespace))}${q}`, {
      body: deleteBody(options),
      ...options,
    });
  }

  getSubresource<R>(name: string, subresource: string, options: { namespace?: string } = {}): Promise<R> {
    return this.client.request<R>("GET", this.path(this.ns(options.namespace), name, subresource));
  }

  /** POST to a subresource: `binding` and `eviction` of pods. */
  createSubresource<R>(
    name: string,
    subresource: string,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<R> {
    const path = `${this.path(this.ns(options.namespace), name, subresource)}${this.writeQuery(options)}`;
    return this.client.request<R>("POST", path, { body, ...options });
  }

  /** PUT to a subresource: `scale`, `status`. */
  updateSubresource<R>(
    name: string,
    subresource: string,
    body: unknown,
    options: WriteOptions = {},
  ): Promise<R> {
    const path = `${this.path(this.ns(options.namespace), name, subresource)}${this.writeQuery(options)}`;
    return this.client.request<R>("PUT", path, { body, ...options });
  }
}

function deleteBody(o: DeleteOptions): unknown {
  const body: Record<string, unknown> = { kind: "DeleteOptions", apiVersion: "v1" };
  if (o.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = o.gracePeriodSeconds;
  if (o.propagationPolicy) body.propagationPolicy = o.propagationPolicy;
  if (o.preconditions) body.preconditions = o.preconditions;
  if (o.dryRun) body.dryRun = ["All"];
  return body;
}
