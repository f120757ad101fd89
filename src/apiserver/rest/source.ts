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

/**
 * An object in its served JSON form (apiVersion, kind and resourceVersion set) with what
 * selectors look at, so a LIST from the watch cache neither decodes nor re-encodes it.
 */
export interface EncodedItem {
  json: string;
  name: string;
  namespace: string;
  labels: Readonly<Record<string, string>> | undefined;
  /** Values of the resource's own field selectors (strategy.fieldSelectors). */
  fields: Readonly<Record<string, string | undefined>>;
}

export interface EncodedPage {
  items: EncodedItem[];
  revision: number;
}

export interface EncodedPageOptions {
  namespace?: string;
  /** Items per page; 0: all. */
  limit: number;
  /** Continues the list an earlier page began (its revision, and the last key it examined). */
  after?: { revision: number; key: string };
  /** Which items count (selectors); the others are skipped. */
  match(item: EncodedItem): boolean;
}

export interface EncodedListPage extends EncodedPage {
  /** Where the next page starts, when items remain. */
  next?: { revision: number; key: string };
  /** How many items remain after this page, selectors ignored. */
  remaining?: number;
}

export interface ObjectSource {
  /** Objects the caller may modify (fresh copies). */
  list(def: ResourceDef, options: SourceListOptions): Promise<SourcePage>;
  /**
   * The latest items in served form, when the source can answer from memory (no continue and
   * no revision in `options`); undefined: use list().
   */
  listEncoded?(def: ResourceDef, options: SourceListOptions): Promise<EncodedPage | undefined>;
  /**
   * A page of the latest items in served form, paged at one revision as the Store pages. Undefined
   * when the source cannot answer a first page from memory; a continued page it cannot answer any
   * more (too old) is 410 Expired.
   */
  listEncodedPage?(def: ResourceDef, options: EncodedPageOptions): Promise<EncodedListPage | undefined>;
  /**
   * The object as last seen, without waiting for the latest revision (like an informer's lister);
   * undefined when not cached. For admission-time lookups that tolerate a little staleness. The
   * object may be handed to other callers too: read-only.
   */
  peek?(def: ResourceDef, namespace: string, name: string): KubeObject | undefined;
  /** Events with revision > fromRevision for the resource (one namespace or all). */
  watch(
    def: ResourceDef,
    options: { namespace?: string; fromRevision: number },
    listener: SourceWatchListener,
  ): { close(): void };
  currentRevision(): Promise<number>;
}
