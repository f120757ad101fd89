// ObjectSource straight over the Store (used for cold resources and before the cache is warm).
import type { ResourceDef } from "../../api/resource.ts";
import type { Store, WatchEvent } from "../../storage/store.ts";
import type {
  ObjectSource,
  SourceEvent,
  SourceListOptions,
  SourcePage,
  SourceWatchListener,
} from "../rest/source.ts";
import { storeErrorToApi } from "./errors.ts";
import { decodeKv, decodeStored, groupResource, keyPrefix } from "./objectstore.ts";

export function toSourceEvent(def: ResourceDef, e: WatchEvent): SourceEvent {
  if (e.type === "delete") {
    return {
      type: "DELETED",
      object: decodeStored(def, e.prevKv.value, e.revision),
      oldObject: decodeKv(def, e.prevKv),
      revision: e.revision,
    };
  }
  const created = e.kv.createRevision === e.kv.modRevision || !e.prevKv;
  return {
    type: created ? "ADDED" : "MODIFIED",
    object: decodeKv(def, e.kv),
    ...(e.prevKv && !created ? { oldObject: decodeKv(def, e.prevKv) } : {}),
    revision: e.kv.modRevision,
  };
}

export class StoreSource implements ObjectSource {
  constructor(private readonly store: Store) {}

  async list(def: ResourceDef, options: SourceListOptions): Promise<SourcePage> {
    try {
      const result = await this.store.list(keyPrefix(def, options.namespace), {
        ...(options.limit ? { limit: options.limit } : {}),
        ...(options.continue ? { continue: options.continue } : {}),
        ...(options.revision ? { revision: options.revision } : {}),
      });
      const page: SourcePage = {
        items: result.kvs.map((kv) => decodeKv(def, kv)),
        revision: result.revision,
      };
      if (result.continue) page.continue = result.continue;
      if (result.remaining !== undefined) page.remaining = result.remaining;
      return page;
    } catch (err) {
      throw storeErrorToApi(err, groupResource(def), "");
    }
  }

  watch(
    def: ResourceDef,
    options: { namespace?: string; fromRevision: number },
    listener: SourceWatchListener,
  ): { close(): void } {
    return this.store.watch(keyPrefix(def, options.namespace), options.fromRevision, {
      onEvents: (events) => listener.onEvents(events.map((e) => toSourceEvent(def, e))),
      onError: (err) => listener.onError(storeErrorToApi(err, groupResource(def), "")),
      onProgress: (revision) => listener.onProgress?.(revision),
    });
  }

  currentRevision(): Promise<number> {
    return this.store.currentRevision();
  }
}
