// The files of configMap, secret, downwardAPI and projected volumes: keys (or the listed items)
// with their modes, downward API fields, and service account tokens from the TokenRequest API.
import type {
  ConfigMap,
  DownwardAPIVolumeFile,
  KeyToPath,
  Pod,
  Secret,
  Volume,
  VolumeProjection,
} from "kubernetes-types/core/v1.js";
import type { ObjectSource } from "../pod/env.ts";
import { type Allocatable, fieldValue, resourceValue } from "../pod/fieldref.ts";
import type { FileProjection } from "./atomic-writer.ts";

export type Files = Map<string, FileProjection>;

/** Issues a bound service account token; undefined when the API does not serve TokenRequest. */
export type TokenSource = (
  pod: Pod,
  audience: string | undefined,
  expirationSeconds: number,
) => Promise<string | undefined>;

export interface ProjectionInput {
  pod: Pod;
  objects: ObjectSource;
  allocatable: Allocatable;
  tokens?: TokenSource;
  /** A problem worth a pod event that does not fail the mount (no TokenRequest API). */
  warn(message: string): void;
}

export class VolumeSetUpError extends Error {
  override name = "VolumeSetUpError";
}

function keyed(
  what: string,
  entries: Map<string, Buffer>,
  items: KeyToPath[] | undefined,
  mode: number | undefined,
  optional: boolean,
  out: Files,
): void {
  if (!items) {
    for (const [k, v] of entries) out.set(k, { data: v, ...(mode !== undefined ? { mode } : {}) });
    return;
  }
  for (const it of items) {
    const v = entries.get(it.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSetUpError(`configuration error: ${what} has no key "${it.key}"`);
    }
    const m = it.mode ?? mode;
    out.set(it.path, { data: v, ...(m !== undefined ? { mode: m } : {}) });
  }
}

const configMapEntries = (cm: ConfigMap): Map<string, Buffer> => {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) m.set(k, Buffer.from(v, "utf8"));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) m.set(k, Buffer.from(v, "base64"));
  return m;
};

const secretEntries = (s: Secret): Map<string, Buffer> => {
  const m = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(s.data ?? {})) m.set(k, Buffer.from(v, "base64"));
  return m;
};

async function configMapFiles(
  i: ProjectionInput,
  src: { name?: string; items?: KeyToPath[]; optional?: boolean },
  mode: number | undefined,
  out: Files,
): Promise<void> {
  const ns = i.pod.metadata?.namespace ?? "";
  const cm = await i.objects.configMap(ns, src.name ?? "");
  if (!cm) {
    if (src.optional) return;
    throw new VolumeSetUpError(`configmap "${src.name}" not found`);
  }
  keyed(`configmap ${ns}/${src.name}`, configMapEntries(cm), src.items, mode, src.optional === true, out);
}

async function secretFiles(
  i: ProjectionInput,
  src: { name?: string; secretName?: string; items?: KeyToPath[]; optional?: boolean },
  mode: number | undefined,
  out: Files,
): Promise<void> {
  const ns = i.pod.metadata?.namespace ?? "";
  const name = src.secretName ?? src.name ?? "";
  const s = await i.objects.secret(ns, name);
  if (!s) {
    if (src.optional) return;
    throw new VolumeSetUpError(`secret "${name}" not found`);
  }
  keyed(`secret ${ns}/${name}`, secretEntries(s), src.items, mode, src.optional === true, out);
}

function downwardFiles(
  i: ProjectionInput,
  items: DownwardAPIVolumeFile[],
  mode: number | undefined,
  out: Files,
): void {
  for (const it of items) {
    let value: string;
    if (it.fieldRef) value = fieldValue(i.pod, it.fieldRef.fieldPath);
    else if (it.resourceFieldRef) {
      const r = it.resourceFieldRef;
      const c = [...(i.pod.spec?.containers ?? []), ...(i.pod.spec?.initContainers ?? [])].find(
        (x) => x.name === r.containerName,
      );
      if (!c) throw new VolumeSetUpError(`container "${r.containerName}" not found for ${it.path}`);
      value = resourceValue(c, r.resource, r.divisor, i.allocatable);
    } else continue;
    const m = it.mode ?? mode;
    out.set(it.path, { data: Buffer.from(value, "utf8"), ...(m !== undefined ? { mode: m } : {}) });
  }
}

async function projectedFiles(
  i: ProjectionInput,
  sources: VolumeProjection[],
  mode: number | undefined,
  out: Files,
): Promise<void> {
  for (const s of sources) {
    if (s.configMap) await configMapFiles(i, s.configMap, mode, out);
    else if (s.secret) await secretFiles(i, s.secret, mode, out);
    else if (s.downwardAPI) downwardFiles(i, s.downwardAPI.items ?? [], mode, out);
    else if (s.serviceAccountToken) {
      const t = s.serviceAccountToken;
      const token = i.tokens ? await i.tokens(i.pod, t.audience, t.expirationSeconds ?? 3600) : undefined;
      if (token === undefined) {
        i.warn(
          `service account token for projected path "${t.path}" not written: the API server does not serve serviceaccounts/token (TokenRequest)`,
        );
        continue;
      }
      out.set(t.path, { data: Buffer.from(token, "utf8"), mode: mode ?? 0o600 });
    }
  }
}

/** The files of a file-backed volume, or undefined when the volume is not of such a kind. */
export async function projectionFiles(i: ProjectionInput, v: Volume): Promise<Files | undefined> {
  const out: Files = new Map();
  if (v.configMap) await configMapFiles(i, v.configMap, v.configMap.defaultMode, out);
  else if (v.secret) await secretFiles(i, v.secret, v.secret.defaultMode, out);
  else if (v.downwardAPI) downwardFiles(i, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode, out);
  else if (v.projected) await projectedFiles(i, v.projected.sources ?? [], v.projected.defaultMode, out);
  else return undefined;
  return out;
}
