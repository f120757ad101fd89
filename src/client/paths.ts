// URL paths and query strings of the Kubernetes REST API for a resource's coordinates.

/** What the client needs to know of a resource; every ResourceDef of src/api satisfies it. */
export interface ResourceCoords {
  group: string;
  version: string;
  /** Plural, lower case. */
  resource: string;
  namespaced: boolean;
  /** Used for apiVersion/kind on created objects when the caller left them out. */
  kind?: string;
}

export interface PathParts {
  namespace?: string | undefined;
  name?: string | undefined;
  subresource?: string | undefined;
}

/** `/api/v1/namespaces/ns/pods/name/status`, `/apis/apps/v1/deployments`, … */
export function resourcePath(def: ResourceCoords, parts: PathParts = {}): string {
  const root = def.group === "" ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
  const ns = def.namespaced && parts.namespace ? `/namespaces/${encodeURIComponent(parts.namespace)}` : "";
  const name = parts.name ? `/${encodeURIComponent(parts.name)}` : "";
  const sub = parts.name && parts.subresource ? `/${parts.subresource}` : "";
  return `${root}${ns}/${def.resource}${name}${sub}`;
}

/** Query string from defined values (`?a=1&b=x`), or "" when there are none. */
export function query(values: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
