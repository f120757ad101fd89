// Builds the immutable routing table of the ingress controller from the cluster's objects: which
// Ingresses are ours (IngressClass controller skiff.dev/ingress, or the default class), their
// rules merged by host (older Ingresses win ties), the default backend and TLS certificates by host.
import type { Secret, Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1.js";
import { type Backend, indexServices, resolveBackend } from "./backends.ts";
import { firstMatch, hostMatches, type PathRoute, pathKindOf, sortRoutes, wildcardFor } from "./match.ts";

export const ingressController = "skiff.dev/ingress";
export const defaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";
const legacyClassAnnotation = "kubernetes.io/ingress.class";

export interface TlsCertificate {
  /** PEM. */
  cert: string;
  key: string;
  /** `namespace/name@resourceVersion` of the Secret: a cache key for its TLS context. */
  source: string;
}

export interface RoutingTable {
  readonly exact: ReadonlyMap<string, readonly PathRoute<Backend>[]>;
  readonly wildcard: ReadonlyMap<string, readonly PathRoute<Backend>[]>;
  /** Rules without a host: they match every host. */
  readonly anyHost: readonly PathRoute<Backend>[];
  readonly defaultBackend: Backend | undefined;
  /** Host (exact or `*.suffix`) → certificate. */
  readonly tls: ReadonlyMap<string, TlsCertificate>;
  /** `namespace/name` of every Ingress served. */
  readonly ingresses: readonly string[];
  /** Why something was left out (missing secret, bad certificate data). */
  readonly problems: readonly string[];
}

export interface TableInput {
  ingressClasses: Iterable<IngressClass>;
  ingresses: Iterable<Ingress>;
  services: Iterable<Service>;
  endpointSlices: Iterable<EndpointSlice>;
  secrets: Iterable<Secret>;
  /** Default "skiff.dev/ingress". */
  controller?: string;
}

export const emptyTable: RoutingTable = Object.freeze({
  exact: new Map(),
  wildcard: new Map(),
  anyHost: [],
  defaultBackend: undefined,
  tls: new Map(),
  ingresses: [],
  problems: [],
});

function key(o: { metadata?: { namespace?: string; name?: string } }): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

/** The class names this controller serves, and whether one of them is the default class. */
function ourClasses(
  classes: Iterable<IngressClass>,
  controller: string,
): { names: Set<string>; isDefault: boolean } {
  const names = new Set<string>();
  let isDefault = false;
  for (const c of classes) {
    if (c.spec?.controller !== controller || !c.metadata?.name) continue;
    names.add(c.metadata.name);
    if (c.metadata.annotations?.[defaultClassAnnotation] === "true") isDefault = true;
  }
  return { names, isDefault };
}

export function isOurs(ing: Ingress, classes: { names: Set<string>; isDefault: boolean }): boolean {
  const name = ing.spec?.ingressClassName ?? ing.metadata?.annotations?.[legacyClassAnnotation];
  // An Ingress without any class (created before a default existed) goes to the default class.
  return name === undefined ? classes.isDefault : classes.names.has(name);
}

function olderFirst(a: Ingress, b: Ingress): number {
  const ta = a.metadata?.creationTimestamp ?? "";
  const tb = b.metadata?.creationTimestamp ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  return key(a) < key(b) ? -1 : 1;
}

function decode(secret: Secret, field: string): string | undefined {
  const v = secret.data?.[field];
  return v === undefined ? undefined : Buffer.from(v, "base64").toString("utf8");
}

export function buildRoutingTable(input: TableInput): RoutingTable {
  const classes = ourClasses(input.ingressClasses, input.controller ?? ingressController);
  const ingresses = [...input.ingresses].filter((i) => isOurs(i, classes)).sort(olderFirst);
  const index = indexServices(input.services, input.endpointSlices);
  const secrets = new Map<string, Secret>();
  for (const s of input.secrets) secrets.set(key(s), s);
  const exact = new Map<string, PathRoute<Backend>[]>();
  const wildcard = new Map<string, PathRoute<Backend>[]>();
  const anyHost: PathRoute<Backend>[] = [];
  const tls = new Map<string, TlsCertificate>();
  const problems: string[] = [];
  let defaultBackend: Backend | undefined;
  const listFor = (host: string): PathRoute<Backend>[] => {
    if (host === "") return anyHost;
    const byHost = host.startsWith("*.") ? wildcard : exact;
    let list = byHost.get(host);
    if (!list) {
      list = [];
      byHost.set(host, list);
    }
    return list;
  };
  for (const ing of ingresses) {
    const ns = ing.metadata?.namespace ?? "";
    const spec = ing.spec ?? {};
    if (spec.defaultBackend && !defaultBackend)
      defaultBackend = resolveBackend(index, ns, spec.defaultBackend);
    for (const rule of spec.rules ?? []) {
      const list = listFor(rule.host?.toLowerCase() ?? "");
      for (const p of rule.http?.paths ?? []) {
        list.push({
          path: p.path || "/",
          kind: pathKindOf(p.pathType),
          backend: resolveBackend(index, ns, p.backend),
        });
      }
    }
    for (const t of spec.tls ?? []) {
      const hosts = t.hosts?.length ? t.hosts : (spec.rules ?? []).map((r) => r.host ?? "").filter((h) => h);
      if (!t.secretName) continue;
      const secret = secrets.get(`${ns}/${t.secretName}`);
      const cert = secret && decode(secret, "tls.crt");
      const pemKey = secret && decode(secret, "tls.key");
      if (!secret || !cert || !pemKey) {
        problems.push(
          `ingress ${key(ing)}: TLS secret ${ns}/${t.secretName} missing or without tls.crt/tls.key`,
        );
        continue;
      }
      const source = `${ns}/${t.secretName}@${secret.metadata?.resourceVersion ?? ""}`;
      for (const h of hosts)
        if (!tls.has(h.toLowerCase())) tls.set(h.toLowerCase(), { cert, key: pemKey, source });
    }
  }
  const sortAll = (m: Map<string, PathRoute<Backend>[]>) =>
    new Map([...m].map(([h, routes]) => [h, Object.freeze(sortRoutes(routes))] as const));
  return Object.freeze({
    exact: sortAll(exact),
    wildcard: sortAll(wildcard),
    anyHost: Object.freeze(sortRoutes(anyHost)),
    defaultBackend,
    tls,
    ingresses: ingresses.map(key),
    problems,
  });
}

/**
 * The backend for a request: the host's own rules (exact host, else its wildcard), then the rules
 * without a host, then the default backend; undefined means 404.
 */
export function route(table: RoutingTable, host: string, path: string): Backend | undefined {
  const own = table.exact.get(host) ?? table.wildcard.get(wildcardFor(host) ?? "");
  const hit = (own && firstMatch(own, path)) ?? firstMatch(table.anyHost, path);
  return hit?.backend ?? table.defaultBackend;
}

/** The certificate for an SNI name: exact host, then its wildcard; undefined means the default. */
export function certificateFor(table: RoutingTable, serverName: string): TlsCertificate | undefined {
  const name = serverName.toLowerCase();
  const wild = wildcardFor(name);
  const exact = table.tls.get(name);
  if (exact) return exact;
  return wild && hostMatches(wild, name) ? table.tls.get(wild) : undefined;
}
