// The scale subresource of whatever an HPA targets: the target's kind is mapped to its resource
// through discovery (any served kind with a `scale` subresource, custom resources included), then
// `GET/PUT <resource>/scale` reads and writes an autoscaling/v1 Scale.
import type { Scale } from "kubernetes-types/autoscaling/v1.js";
import type { RestClient } from "../../client/rest.ts";

interface ApiResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

export interface ScaleTarget {
  /** e.g. "/apis/apps/v1/namespaces/default/deployments/web/scale". */
  path: string;
}

/** Caches each group-version's resource list for `ttlMs` (new CRDs appear within that). */
export class ScaleClient {
  private readonly cache = new Map<string, { at: number; list: ApiResourceList }>();

  constructor(
    private readonly client: RestClient,
    private readonly ttlMs = 60_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private async resources(apiVersion: string): Promise<ApiResourceList> {
    const hit = this.cache.get(apiVersion);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.list;
    const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const list = await this.client.request<ApiResourceList>("GET", path);
    this.cache.set(apiVersion, { at: this.now(), list });
    return list;
  }

  /** Maps apiVersion + kind to the scale path; the error messages are the RESTMapper's. */
  async target(
    ref: { apiVersion?: string; kind: string; name: string },
    namespace: string,
  ): Promise<ScaleTarget> {
    const apiVersion = ref.apiVersion ?? "";
    const slash = apiVersion.split("/");
    if (apiVersion === "" || slash.length > 2 || slash.some((p) => p === "")) {
      throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
    }
    const group = slash.length === 2 ? (slash[0] ?? "") : "";
    let list: ApiResourceList;
    try {
      list = await this.resources(apiVersion);
    } catch {
      throw new Error(`no matches for kind "${ref.kind}" in group "${group}"`);
    }
    const all = list.resources ?? [];
    const found = all.find((r) => r.kind === ref.kind && !r.name.includes("/"));
    if (!found) throw new Error(`no matches for kind "${ref.kind}" in group "${group}"`);
    const prefix = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = found.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return { path: `${prefix}${ns}/${found.name}/${encodeURIComponent(ref.name)}/scale` };
  }

  get(target: ScaleTarget): Promise<Scale> {
    return this.client.request<Scale>("GET", target.path);
  }

  update(target: ScaleTarget, scale: Scale): Promise<Scale> {
    return this.client.request<Scale>("PUT", target.path, { body: scale });
  }
}
