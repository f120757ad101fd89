// Request info: what a URL and method mean in Kubernetes terms (apiserver's RequestInfoFactory):
// group, version, namespace, resource, name, subresource and the API verb.

export interface RequestInfo {
  /** True for /api/... and /apis/... URLs that address a resource. */
  isResourceRequest: boolean;
  path: string;
  /** API verb for resource requests; lower-cased HTTP method otherwise. */
  verb: string;
  apiPrefix: "api" | "apis" | "";
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

// Namespaces have subresources of their own; any other segment after a namespace is a resource.
const namespaceSubresources = new Set(["status", "finalize"]);

function splitPath(path: string): string[] {
  return path.split("/").filter((p) => p !== "");
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseRequestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: "",
    apiGroup: "",
    apiVersion: "",
    namespace: "",
    resource: "",
    subresource: "",
    name: "",
  };
  let parts = splitPath(path).map(decodeSegment);
  const prefix = parts[0];
  if (prefix !== "api" && prefix !== "apis") return info;
  info.apiPrefix = prefix;
  parts = parts.slice(1);
  if (prefix === "apis") {
    if (parts.length < 2) return info;
    info.apiGroup = parts[0] ?? "";
    parts = parts.slice(1);
  } else if (parts.length < 1) return info;
  info.apiVersion = parts[0] ?? "";
  parts = parts.slice(1);
  if (parts.length === 0) return info;

  info.isResourceRequest = true;
  let watchPath = false;
  if (parts[0] === "watch") {
    // Deprecated /watch/ URLs still used by old clients.
    watchPath = true;
    parts = parts.slice(1);
  }
  if (parts[0] === "namespaces" && parts.length > 1) {
    info.namespace = parts[1] ?? "";
    if (parts.length > 2 && !namespaceSubresources.has(parts[2] ?? "")) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? "";
  info.name = parts[1] ?? "";
  info.subresource = parts[2] ?? "";
  if (parts.length > 3) info.subresource = parts.slice(2).join("/");

  switch (method.toUpperCase()) {
    case "GET":
    case "HEAD":
      if (watchPath || isTrue(url.searchParams.get("watch"))) info.verb = "watch";
      else info.verb = info.name === "" ? "list" : "get";
      break;
    case "POST":
      info.verb = "create";
      break;
    case "PUT":
      info.verb = "update";
      break;
    case "PATCH":
      info.verb = "patch";
      break;
    case "DELETE":
      info.verb = info.name === "" ? "deletecollection" : "delete";
      break;
    default:
      info.verb = method.toLowerCase();
  }
  return info;
}

/** Go's strconv.ParseBool subset Kubernetes accepts for boolean query parameters. */
export function isTrue(value: string | null | undefined): boolean {
  return value === "true" || value === "1" || value === "True" || value === "TRUE" || value === "t";
}
