// Resource discovery through the REST client (/api, /apis and each group-version's resource
// list): what the garbage collector and the namespace controller act on, and the kind → resource
// mapping that ownerReferences need.
import type { ResourceCoords } from "../../client/paths.ts";
import type { RestClient } from "../../client/rest.ts";

/** One served top-level resource of one group-version (subresources are left out). */
export interface DiscoveredResource extends ResourceCoords {
  kind: string;
  verbs: readonly string[];
  /** True for the group's preferred version. */
  preferred: boolean;
}

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean; verbs?: string[] }[];
}
interface ApiGroupList {
  groups?: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[];
}

export interface DiscoveryResult {
  resources: DiscoveredResource[];
  /** Group-versions whose resource list failed (discovery is partial then). */
  failed: { groupVersion: string; error: unknown }[];
}

/** Every group-version the server serves, with their resources. */
export async function discoverResources(client: RestClient): Promise<DiscoveryResult> {
  const versions: { group: string; version: string; preferred: boolean }[] = [];
  const core = await client.request<{ versions?: string[] }>("GET", "/api");
  for (const v of core.versions ?? []) versions.push({ group: "", version: v, preferred: v === "v1" });
  const groups = await client.request<ApiGroupList>("GET", "/apis");
  for (const g of groups.groups ?? []) {
    const preferred = g.preferredVersion?.version ?? g.versions[0]?.version;
    for (const v of g.versions)
      versions.push({ group: g.name, version: v.version, preferred: v.version === preferred });
  }
  const result: DiscoveryResult = { resources: [], failed: [] };
  const lists = await Promise.allSettled(
    versions.map((gv) =>
      client.request<ApiResourceList>(
        "GET",
        gv.group === "" ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`,
      ),
    ),
  );
  lists.forEach((settled, i) => {
    const gv = versions[i];
    if (!gv) return;
    if (settled.status === "rejected") {
      result.failed.push({
        groupVersion: gv.group ? `${gv.group}/${gv.version}` : gv.version,
        error: settled.reason,
      });
      return;
    }
    for (const r of settled.value.resources ?? []) {
      if (r.name.includes("/")) continue;
      result.resources.push({
        group: gv.group,
        version: gv.version,
        resource: r.name,
        kind: r.kind,
        namespaced: r.namespaced,
        verbs: r.verbs ?? [],
        preferred: gv.preferred,
      });
    }
  });
  return result;
}

/** The preferred version of each resource (Kubernetes' ServerPreferredResources). */
export function preferredResources(resources: readonly DiscoveredResource[]): DiscoveredResource[] {
  return resources.filter((r) => r.preferred);
}

export function supports(r: { verbs: readonly string[] }, ...verbs: string[]): boolean {
  return verbs.every((v) => r.verbs.includes(v));
}

/** `apps/v1` + `ReplicaSet` → the resource serving that kind, from all discovered versions. */
export class KindMapper {
  private readonly byKind = new Map<string, DiscoveredResource>();

  constructor(resources: readonly DiscoveredResource[]) {
    for (const r of resources) {
      const key = `${r.group}/${r.version}/${r.kind}`;
      if (!this.byKind.has(key)) this.byKind.set(key, r);
    }
  }

  resourceFor(apiVersion: string, kind: string): DiscoveredResource | undefined {
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    return this.byKind.get(`${group}/${version}/${kind}`);
  }
}
