// The dashboard's writes: scale, rollout restart, delete and apply (server-side apply of YAML).
import { request } from "./api.ts";
import { apiPath, type Kind, type KubeObject, kinds } from "./kinds.ts";
import { type ManifestRef, splitManifests } from "./manifest.ts";

export const fieldManager = "skiff-dashboard";
/** The edited object the detail page hands to the apply page. */
export const applyDraftKey = "skiff.dashboard.apply";

export async function scale(k: Kind, namespace: string, name: string, replicas: number): Promise<void> {
  await request(`${apiPath(k, namespace, name)}/scale`, {
    method: "PATCH",
    contentType: "application/merge-patch+json",
    body: JSON.stringify({ spec: { replicas } }),
  });
}

/** What `kubectl rollout restart` does: a new template annotation rolls every pod. */
export async function restart(k: Kind, namespace: string, name: string, now = new Date()): Promise<void> {
  const patch = {
    spec: {
      template: { metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": now.toISOString() } } },
    },
  };
  await request(apiPath(k, namespace, name), {
    method: "PATCH",
    contentType: "application/strategic-merge-patch+json",
    body: JSON.stringify(patch),
  });
}

export async function remove(k: Kind, namespace: string, name: string): Promise<void> {
  await request(apiPath(k, namespace, name), {
    method: "DELETE",
    contentType: "application/json",
    body: JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" }),
  });
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

const discovery = new Map<string, Promise<ApiResourceList>>();

/** The collection path for a manifest's apiVersion and kind, from discovery (cached). */
async function resourcePath(m: ManifestRef, defaultNamespace: string): Promise<string> {
  const known = kinds.find(
    (k) => k.kind === m.kind && (k.group === "" ? k.version : `${k.group}/${k.version}`) === m.apiVersion,
  );
  const base = m.apiVersion.includes("/") ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  let resource = known?.resource;
  let namespaced = known?.namespaced;
  if (!resource) {
    let list = discovery.get(base);
    if (!list) {
      list = request<ApiResourceList>(base);
      discovery.set(base, list);
    }
    const r = (await list).resources.find((x) => x.kind === m.kind && !x.name.includes("/"));
    if (!r) throw new Error(`the server does not serve kind ${m.kind} in ${m.apiVersion}`);
    resource = r.name;
    namespaced = r.namespaced;
  }
  const ns = namespaced ? `/namespaces/${encodeURIComponent(m.namespace || defaultNamespace)}` : "";
  return `${base}${ns}/${resource}/${encodeURIComponent(m.name)}`;
}

/** Server-side applies every document; returns one line per object, like `kubectl apply`. */
export async function applyManifests(text: string, defaultNamespace: string): Promise<string[]> {
  const manifests = splitManifests(text);
  if (manifests.length === 0) throw new Error("nothing to apply");
  const lines: string[] = [];
  for (const m of manifests) {
    if (!m.apiVersion || !m.kind || !m.name)
      throw new Error("each document needs apiVersion, kind and metadata.name");
    const path = await resourcePath(m, defaultNamespace || "default");
    await request(`${path}?fieldManager=${fieldManager}&force=true`, {
      method: "PATCH",
      contentType: "application/apply-patch+yaml",
      body: m.text,
    });
    lines.push(`${m.kind.toLowerCase()}/${m.name} serverside-applied`);
  }
  return lines;
}

/** An object as JSON for editing and re-applying: server-owned fields left out. */
export function editable(o: KubeObject): string {
  const { status: _status, ...rest } = o;
  const {
    resourceVersion: _rv,
    uid: _uid,
    creationTimestamp: _c,
    ...meta
  } = o.metadata as KubeObject["metadata"] & {
    managedFields?: unknown;
    generation?: number;
  };
  const {
    managedFields: _m,
    generation: _g,
    ...cleanMeta
  } = meta as typeof meta & {
    managedFields?: unknown;
    generation?: number;
  };
  return JSON.stringify({ ...rest, metadata: cleanMeta }, null, 2);
}
