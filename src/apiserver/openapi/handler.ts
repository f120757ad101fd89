// Serves the OpenAPI endpoints for a Registry as plain { status, headers, body } answers:
// /openapi/v2 (JSON or gnostic protobuf by Accept), /swagger-2.0.0.pb-v1 (kubectl 1.20's
// fallback), /openapi/v3 (index) and /openapi/v3/<api/v1|apis/G/V>. Documents are built on first
// request and cached per Registry revision (rebuilt after resources are added or removed).
import { createHash } from "node:crypto";
import type { Registry } from "../../api/registry.ts";
import { buildV2Document, buildV3Document, type DocumentOptions, groupVersionKey } from "./documents.ts";
import { encodeV2Document, protobufContentType } from "./protobuf.ts";

export interface OpenApiRequest {
  /** URL path without the query: `/openapi/v3/apis/apps/v1`. */
  path: string;
  /** The `hash` query parameter of a v3 group-version request, if any. */
  hash?: string | null;
  accept?: string;
  ifNoneMatch?: string;
}

export interface OpenApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

interface Built {
  json: string;
  hash: string;
}

interface Cache {
  /** The Registry revision the documents were built from (custom resources come and go). */
  revision: number;
  v2?: { json: Built; protobuf: Uint8Array };
  v3: Map<string, Built>;
  index?: string;
}

const caches = new WeakMap<Registry, Cache>();

function cacheFor(registry: Registry): Cache {
  let cache = caches.get(registry);
  if (!cache || cache.revision !== registry.revision) {
    cache = { revision: registry.revision, v3: new Map() };
    caches.set(registry, cache);
  }
  return cache;
}

function built(doc: unknown): Built {
  const json = JSON.stringify(doc);
  return { json, hash: createHash("sha512").update(json).digest("hex").toUpperCase() };
}

/** True for the paths serveOpenApi answers. */
export function isOpenApiPath(path: string): boolean {
  return (
    path === "/openapi/v2" ||
    path === "/swagger-2.0.0.pb-v1" ||
    path === "/openapi/v3" ||
    path.startsWith("/openapi/v3/")
  );
}

/** The answer for an OpenAPI path, or undefined when the path is not one (see isOpenApiPath). */
export function serveOpenApi(
  registry: Registry,
  req: OpenApiRequest,
  options: DocumentOptions = {},
): OpenApiResponse | undefined {
  const cache = cacheFor(registry);
  if (req.path === "/openapi/v2" || req.path === "/swagger-2.0.0.pb-v1") {
    if (!cache.v2) {
      const doc = buildV2Document(registry, options);
      cache.v2 = { json: built(doc), protobuf: encodeV2Document(doc) };
    }
    const etag = `"${cache.v2.json.hash}"`;
    const wantsProtobuf =
      req.path === "/swagger-2.0.0.pb-v1" ||
      (req.accept ?? "").includes("application/com.github.proto-openapi.spec.v2");
    if (req.ifNoneMatch === etag) return { status: 304, headers: { ETag: etag }, body: "" };
    return {
      status: 200,
      headers: {
        "Content-Type": wantsProtobuf ? protobufContentType : "application/json",
        ETag: etag,
        Vary: "Accept",
        "Cache-Control": "no-cache, private",
      },
      body: wantsProtobuf ? cache.v2.protobuf : cache.v2.json.json,
    };
  }
  if (req.path === "/openapi/v3") {
    if (cache.index === undefined) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const { group, versions } of registry.groups()) {
        for (const version of versions) {
          const key = groupVersionKey(group, version);
          paths[key] = {
            serverRelativeURL: `/openapi/v3/${key}?hash=${v3(registry, cache, key, options)?.hash}`,
          };
        }
      }
      cache.index = JSON.stringify({ paths });
    }
    return { status: 200, headers: { "Content-Type": "application/json" }, body: cache.index };
  }
  if (req.path.startsWith("/openapi/v3/")) {
    const doc = v3(registry, cache, req.path.slice("/openapi/v3/".length), options);
    if (!doc)
      return {
        status: 404,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
        body: "404 page not found\n",
      };
    const etag = `"${doc.hash}"`;
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      ETag: etag,
      "Cache-Control": req.hash === doc.hash ? "public, immutable" : "no-cache, private",
    };
    if (req.ifNoneMatch === etag) return { status: 304, headers, body: "" };
    return { status: 200, headers, body: doc.json };
  }
  return undefined;
}

/** The v3 document of `api/v1` or `apis/G/V`, undefined when the registry does not serve it. */
function v3(registry: Registry, cache: Cache, key: string, options: DocumentOptions): Built | undefined {
  const existing = cache.v3.get(key);
  if (existing) return existing;
  const parts = key.split("/");
  let group: string | undefined;
  let version: string | undefined;
  if (parts.length === 2 && parts[0] === "api") [group, version] = ["", parts[1]];
  else if (parts.length === 3 && parts[0] === "apis") [group, version] = [parts[1], parts[2]];
  if (group === undefined || !version || registry.resources(group, version).length === 0) return undefined;
  const doc = built(buildV3Document(registry, group, version, options));
  cache.v3.set(key, doc);
  return doc;
}
