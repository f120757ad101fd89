// Discovery documents: /version, legacy /api and /apis, per group-version APIResourceLists, and
// aggregated discovery (apidiscovery.k8s.io/v2) when the Accept header asks for it.
import { groupVersion } from "../api/object.ts";
import type { Registry } from "../api/registry.ts";
import { allVerbs, type ResourceDef, type SubresourceDef } from "../api/resource.ts";

export const serverVersion = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.0+skiff",
  gitCommit: "0000000000000000000000000000000000000000",
  gitTreeState: "clean",
  buildDate: "2026-01-01T00:00:00Z",
  goVersion: "go1.23.3",
  compiler: "gc",
  platform: "linux/amd64",
};

function subresourcesOf(def: ResourceDef): SubresourceDef[] {
  const subs: SubresourceDef[] = [];
  if (def.hasStatus) subs.push({ name: "status", verbs: ["get", "patch", "update"] });
  if (def.scale) {
    subs.push({
      name: "scale",
      kind: { group: "autoscaling", version: "v1", kind: "Scale" },
      verbs: ["get", "patch", "update"],
    });
  }
  for (const s of def.subresources ?? []) if (!subs.some((x) => x.name === s.name)) subs.push(s);
  return subs;
}

function sortedVerbs(verbs: readonly string[]): string[] {
  return [...verbs].sort();
}

/** GET /api/v1, /apis/G/V. */
export function resourceList(
  registry: Registry,
  group: string,
  version: string,
): Record<string, unknown> | undefined {
  const defs = registry.resources(group, version);
  if (defs.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const def of defs) {
    const r: Record<string, unknown> = {
      name: def.resource,
      singularName: def.singular,
      namespaced: def.namespaced,
      kind: def.kind,
      verbs: sortedVerbs(def.verbs ?? allVerbs),
    };
    if (def.shortNames?.length) r.shortNames = [...def.shortNames];
    if (def.categories?.length) r.categories = [...def.categories];
    resources.push(r);
    for (const s of subresourcesOf(def)) {
      const sr: Record<string, unknown> = {
        name: `${def.resource}/${s.name}`,
        singularName: "",
        namespaced: def.namespaced,
        kind: s.kind?.kind ?? def.kind,
        verbs: sortedVerbs(s.verbs),
      };
      if (s.kind && (s.kind.group !== def.group || s.kind.version !== def.version)) {
        sr.group = s.kind.group;
        sr.version = s.kind.version;
      }
      resources.push(sr);
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: groupVersion(group, version), resources };
}

export function legacyApiVersions(serverAddress: string): Record<string, unknown> {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function apiGroup(group: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

export function apiGroupList(registry: Registry): Record<string, unknown> {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: registry
      .groups()
      .filter((g) => g.group !== "")
      .map((g) => apiGroup(g.group, g.versions)),
  };
}

/** GET /apis/G. */
export function apiGroupDoc(registry: Registry, group: string): Record<string, unknown> | undefined {
  const g = registry.groups().find((x) => x.group === group && group !== "");
  return g ? { kind: "APIGroup", apiVersion: "v1", ...apiGroup(g.group, g.versions) } : undefined;
}

function discoveryResource(def: ResourceDef): Record<string, unknown> {
  const r: Record<string, unknown> = {
    resource: def.resource,
    responseKind: { group: "", version: "", kind: def.kind },
    scope: def.namespaced ? "Namespaced" : "Cluster",
    singularResource: def.singular,
    verbs: sortedVerbs(def.verbs ?? allVerbs),
  };
  if (def.shortNames?.length) r.shortNames = [...def.shortNames];
  if (def.categories?.length) r.categories = [...def.categories];
  const subs = subresourcesOf(def);
  if (subs.length > 0) {
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: s.kind
        ? { group: s.kind.group, version: s.kind.version, kind: s.kind.kind }
        : { group: "", version: "", kind: def.kind },
      verbs: sortedVerbs(s.verbs),
    }));
  }
  return r;
}

/** Aggregated discovery for /api (core) or /apis (every other group). */
export function aggregatedDiscovery(registry: Registry, core: boolean): Record<string, unknown> {
  const items = registry
    .groups()
    .filter((g) => (g.group === "") === core)
    .map((g) => ({
      metadata: core ? { creationTimestamp: null } : { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        resources: registry.resources(g.group, v).map(discoveryResource),
        freshness: "Current",
      })),
    }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}
