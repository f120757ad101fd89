// Ingress matching rules (networking.k8s.io/v1 semantics): hosts exact or `*.suffix` (one DNS
// label), paths Exact or Prefix (element-wise, trailing slash ignored), ImplementationSpecific
// treated as Prefix; the longest path wins and Exact beats Prefix at equal length.

export type PathKind = "Exact" | "Prefix";

/** The request's host without port or trailing dot, lower case ("" when absent). */
export function requestHost(header: string | undefined): string {
  if (!header) return "";
  let host = header.trim().toLowerCase();
  if (host.startsWith("[")) {
    const end = host.indexOf("]");
    host = end >= 0 ? host.slice(0, end + 1) : host;
  } else {
    const colon = host.indexOf(":");
    if (colon >= 0) host = host.slice(0, colon);
  }
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/**
 * Whether `host` matches a rule host: exact (case-insensitive), or `*.foo.com` matching exactly
 * one extra label (`bar.foo.com`, not `foo.com` nor `baz.bar.foo.com`).
 */
export function hostMatches(ruleHost: string, host: string): boolean {
  const rule = ruleHost.toLowerCase();
  if (!rule.startsWith("*.")) return rule === host;
  const suffix = rule.slice(1); // ".foo.com"
  if (!host.endsWith(suffix)) return false;
  const label = host.slice(0, host.length - suffix.length);
  return label.length > 0 && !label.includes(".");
}

/** The wildcard rule host that would cover `host` (`*.foo.com` for `a.foo.com`), or undefined. */
export function wildcardFor(host: string): string | undefined {
  const dot = host.indexOf(".");
  return dot > 0 ? `*${host.slice(dot)}` : undefined;
}

export function pathKindOf(pathType: string | undefined): PathKind {
  return pathType === "Exact" ? "Exact" : "Prefix";
}

/** A request path without query string. */
export function requestPath(url: string | undefined): string {
  const u = url ?? "/";
  const q = u.search(/[?#]/);
  const p = q >= 0 ? u.slice(0, q) : u;
  return p.startsWith("/") ? p : `/${p}`;
}

function segments(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

/**
 * Prefix matching by path elements: `/foo` matches `/foo`, `/foo/` and `/foo/bar` but not
 * `/foobar`; a trailing slash on either side is ignored; `/` matches everything.
 */
export function prefixMatches(rulePath: string, path: string): boolean {
  const rule = segments(rulePath);
  if (rule.length === 0) return true;
  const req = segments(path);
  if (req.length < rule.length) return false;
  for (let i = 0; i < rule.length; i++) if (rule[i] !== req[i]) return false;
  return true;
}

export function pathMatches(kind: PathKind, rulePath: string, path: string): boolean {
  return kind === "Exact" ? rulePath === path : prefixMatches(rulePath, path);
}

export interface PathRoute<B> {
  path: string;
  kind: PathKind;
  backend: B;
}

/**
 * Orders routes so the first match is the best: longer paths first, Exact before Prefix at
 * equal length; ties keep their given order (older Ingresses first).
 */
export function sortRoutes<B>(routes: PathRoute<B>[]): PathRoute<B>[] {
  return routes
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const la = a.r.path.length;
      const lb = b.r.path.length;
      if (la !== lb) return lb - la;
      if (a.r.kind !== b.r.kind) return a.r.kind === "Exact" ? -1 : 1;
      return a.i - b.i;
    })
    .map((x) => x.r);
}

/** The best route in a list sorted by sortRoutes. */
export function firstMatch<B>(sorted: readonly PathRoute<B>[], path: string): PathRoute<B> | undefined {
  for (const r of sorted) if (pathMatches(r.kind, r.path, path)) return r;
  return undefined;
}
