// Static pods: manifests in --pod-manifest-path (YAML or JSON, one Pod per file, dotfiles
// ignored) run on this node without the API; a file that appears starts its pod, a changed one
// replaces it, a removed one stops it. Each gets the kubelet's name (`<name>-<node>`), a uid
// hashed from its content, and the config annotations its mirror pod carries in the API.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import { parse } from "yaml";

export const configSourceAnnotation = "kubernetes.io/config.source";
export const configHashAnnotation = "kubernetes.io/config.hash";
export const configMirrorAnnotation = "kubernetes.io/config.mirror";
export const configSeenAnnotation = "kubernetes.io/config.seen";

export const isMirrorPod = (pod: Pod | undefined): boolean =>
  pod?.metadata?.annotations?.[configMirrorAnnotation] !== undefined;

export const isStaticPod = (pod: Pod | undefined): boolean =>
  pod?.metadata?.annotations?.[configSourceAnnotation] === "file";

/** The static pod a manifest describes on `nodeName` (throws on a file that is not a Pod). */
export function staticPodFromManifest(text: string, file: string, nodeName: string, seen: string): Pod {
  const obj = parse(text) as Pod | null;
  if (!obj || typeof obj !== "object" || obj.kind !== "Pod" || !obj.metadata?.name || !obj.spec) {
    throw new Error(`${file}: not a Pod manifest (kind Pod with metadata.name and spec)`);
  }
  const hash = createHash("md5").update(text).update(`host:${nodeName}`).update(`file:${file}`).digest("hex");
  const uid = obj.metadata.uid ?? hash;
  return {
    ...obj,
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...obj.metadata,
      name: `${obj.metadata.name}-${nodeName}`,
      namespace: obj.metadata.namespace ?? "default",
      uid,
      annotations: {
        ...obj.metadata.annotations,
        [configSourceAnnotation]: "file",
        [configHashAnnotation]: uid,
        [configSeenAnnotation]: seen,
      },
    },
    spec: { ...obj.spec, nodeName },
    status: { phase: "Pending" },
  };
}

export interface StaticPodSourceOptions {
  dir: string;
  nodeName: string;
  /** Pods (by key) that appeared, changed or went. */
  onChange(keys: string[]): void;
  onError(err: unknown, what: string): void;
  /** Directory poll period (default 2 s). */
  pollMs?: number;
}

export class StaticPodSource {
  private readonly byKey = new Map<string, { pod: Pod; file: string; mtime: number; size: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: StaticPodSourceOptions) {}

  get(key: string): Pod | undefined {
    return this.byKey.get(key)?.pod;
  }

  pods(): Pod[] {
    return [...this.byKey.values()].map((e) => e.pod);
  }

  /** Sets the pod's last reported status (so the next status is built on it). */
  setStatus(key: string, status: Pod["status"]): void {
    const e = this.byKey.get(key);
    if (e) e.pod = { ...e.pod, status };
  }

  start(): void {
    this.scan();
    this.timer = setInterval(() => this.scan(), this.o.pollMs ?? 2000);
  }

  /** Reads the directory; files unchanged in size and mtime are not re-parsed. */
  scan(): void {
    let names: string[];
    try {
      names = readdirSync(this.o.dir).filter((n) => !n.startsWith("."));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.o.onError(err, "static pods");
      names = [];
    }
    const seen = new Set<string>();
    const changed: string[] = [];
    const byFile = new Map([...this.byKey].map(([key, e]) => [e.file, key] as const));
    for (const name of names) {
      const file = join(this.o.dir, name);
      try {
        const st = statSync(file);
        if (!st.isFile()) continue;
        const oldKey = byFile.get(file);
        const old = oldKey ? this.byKey.get(oldKey) : undefined;
        if (old && oldKey && old.mtime === st.mtimeMs && old.size === st.size) {
          seen.add(oldKey);
          continue;
        }
        const pod = staticPodFromManifest(
          readFileSync(file, "utf8"),
          file,
          this.o.nodeName,
          new Date().toISOString(),
        );
        const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
        if (oldKey && oldKey !== key) this.byKey.delete(oldKey);
        if (old?.pod.metadata?.uid !== pod.metadata?.uid || oldKey !== key) changed.push(key);
        if (oldKey && oldKey !== key) changed.push(oldKey);
        this.byKey.set(key, { pod, file, mtime: st.mtimeMs, size: st.size });
        seen.add(key);
      } catch (err) {
        this.o.onError(err, `static pod ${file}`);
        const key = byFile.get(file);
        if (key) seen.add(key);
      }
    }
    for (const key of [...this.byKey.keys()]) {
      if (seen.has(key)) continue;
      this.byKey.delete(key);
      changed.push(key);
    }
    if (changed.length > 0) this.o.onChange(changed);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
