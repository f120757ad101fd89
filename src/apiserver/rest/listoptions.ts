// Query parameters of list and watch: selectors, paging, resourceVersion and watch options,
// and the matcher that applies the selectors to objects.
import { BadRequestError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import { checkFieldLabels, type FieldSelector, parseFieldSelector } from "../../api/selector/field.ts";
import { type LabelSelector, parseLabelSelector } from "../../api/selector/label.ts";
import { isTrue } from "../requestinfo.ts";
import type { EncodedItem } from "./source.ts";

export interface ListQuery {
  labelSelector: LabelSelector;
  fieldSelector: FieldSelector;
  limit: number;
  /** The Store's continue token, unwrapped. */
  continue?: string;
  /** A continue token of a list the watch cache served: the next page follows `key` at `revision`. */
  cacheContinue?: CachePosition;
  resourceVersion: string;
  resourceVersionMatch: string;
  allowWatchBookmarks: boolean;
  timeoutSeconds?: number;
}

function nonNegativeInt(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^\d+$/.test(raw))
    throw new BadRequestError(`invalid ${name}: ${JSON.stringify(raw)}: must be a non-negative integer`);
  return Number(raw);
}

export interface CachePosition {
  revision: number;
  /** The last key of the previous page. */
  key: string;
}

export function encodeContinue(storeToken: string): string {
  return Buffer.from(JSON.stringify({ v: "skiff/1", c: storeToken })).toString("base64url");
}

export function encodeCacheContinue(position: CachePosition): string {
  return Buffer.from(JSON.stringify({ v: "skiff/1", r: position.revision, k: position.key })).toString(
    "base64url",
  );
}

/** A Store token (string) or the position in a list the watch cache served. */
export function decodeContinue(token: string): string | CachePosition {
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as {
      v?: unknown;
      c?: unknown;
      r?: unknown;
      k?: unknown;
    };
    if (parsed.v === "skiff/1" && typeof parsed.c === "string") return parsed.c;
    if (parsed.v === "skiff/1" && Number.isSafeInteger(parsed.r) && typeof parsed.k === "string")
      return { revision: Number(parsed.r), key: parsed.k };
  } catch {
    // fall through
  }
  throw new BadRequestError(
    "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
  );
}

export function supportedFieldLabels(def: ResourceDef): Set<string> {
  const labels = new Set(["metadata.name"]);
  if (def.namespaced) labels.add("metadata.namespace");
  for (const k of Object.keys(def.strategy.fieldSelectors ?? {})) labels.add(k);
  return labels;
}

export function parseListQuery(def: ResourceDef, query: URLSearchParams): ListQuery {
  const fieldSelector = parseFieldSelector(query.get("fieldSelector"));
  // Cluster-scoped kinds still accept metadata.namespace (always empty), as Kubernetes does.
  const supported = supportedFieldLabels(def);
  supported.add("metadata.namespace");
  checkFieldLabels(fieldSelector, supported);
  const token = query.get("continue");
  const resourceVersion = query.get("resourceVersion") ?? "";
  if (resourceVersion !== "" && !/^\d+$/.test(resourceVersion)) {
    throw new BadRequestError(`invalid resource version: ${JSON.stringify(resourceVersion)}`);
  }
  const q: ListQuery = {
    labelSelector: parseLabelSelector(query.get("labelSelector")),
    fieldSelector,
    limit: nonNegativeInt(query, "limit") ?? 0,
    resourceVersion,
    resourceVersionMatch: query.get("resourceVersionMatch") ?? "",
    allowWatchBookmarks: isTrue(query.get("allowWatchBookmarks")),
  };
  if (token) {
    if (resourceVersion !== "" && resourceVersion !== "0") {
      throw new BadRequestError("specifying resource version is not allowed when using continue");
    }
    const decoded = decodeContinue(token);
    if (typeof decoded === "string") q.continue = decoded;
    else q.cacheContinue = decoded;
  }
  const timeout = nonNegativeInt(query, "timeoutSeconds");
  if (timeout !== undefined) q.timeoutSeconds = timeout;
  return q;
}

/** The value of a field label for an object, as field selectors compare it. */
export function fieldValue(def: ResourceDef, obj: KubeObject, field: string): string | undefined {
  if (field === "metadata.name") return obj.metadata?.name ?? "";
  if (field === "metadata.namespace") return obj.metadata?.namespace ?? "";
  return def.strategy.fieldSelectors?.[field]?.(obj);
}

export function objectMatcher(def: ResourceDef, q: ListQuery): (obj: KubeObject) => boolean {
  if (q.labelSelector.empty && q.fieldSelector.empty) return () => true;
  return (obj) =>
    q.labelSelector.matches(obj.metadata?.labels) &&
    q.fieldSelector.matches((field) => fieldValue(def, obj, field));
}

/** objectMatcher for items in served form (from the watch cache). */
export function encodedMatcher(q: ListQuery): (item: EncodedItem) => boolean {
  if (q.labelSelector.empty && q.fieldSelector.empty) return () => true;
  return (item) =>
    q.labelSelector.matches(item.labels) &&
    q.fieldSelector.matches((field) =>
      field === "metadata.name"
        ? item.name
        : field === "metadata.namespace"
          ? item.namespace
          : item.fields[field],
    );
}
