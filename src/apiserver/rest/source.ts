// Where LIST and WATCH read from: the watch cache when present, else the Store directly.
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";

export interface SourceListOptions {
  namespace?: string;
  limit?: number;
  continue?: string;
  /** 0/absent: latest. */
  revision?: number;
}

export interface SourcePage {
  items: KubeObject[];
  revision: number;
  continue?: string;
  remaining?: number;
}

export interface SourceEvent {
  type: "ADDED" | "MODIFIED" | "DELETED";
  /** For DELETED: the last state with the deletion's resourceVersion. */
  object: KubeObject;
  /** The previous state for MODIFIED/DELETED, so selectors can tell entering from leaving. */
  oldObject?: KubeObject;
  revision: number;
}

export interface SourceWatchListener {
  onEvents(events: SourceEvent[]): void;
  /** Terminal (compaction → 410, store closed). */
  onError(err: unknown): void;
  onProgress?(revision: number): void;
}

export interface ObjectSource {
  list(def: ResourceDef, options: SourceListOptions): Promise<SourcePage>;
  /** Events with revision > fromRevision for the resource (one namespace or all). */
  watch(
    def: ResourceDef,
    options: { namespace?: string; fromRevision: number },
    listener: SourceWatchListener,
  ): { close(): void };
  currentRevision(): Promise<number>;
}
