// Shares one informer (one list + watch, one cache) per resource and scope among every
// controller of a process; starts and stops them together.
import type { ObjectLike } from "../object.ts";
import type { ResourceCoords } from "../paths.ts";
import type { RestClient } from "../rest.ts";
import type { IndexFunc } from "./indexer.ts";
import { Informer, type InformerOptions } from "./informer.ts";

export interface InformerScope {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface SharedInformerFactoryOptions {
  client: RestClient;
  /** Default resync period for every informer (default 0: never). */
  resyncPeriodMs?: number;
  /** Further informer settings (page size, watch timeout, backoff, error reporting). */
  informerDefaults?: Omit<InformerOptions<ObjectLike>, "client" | "indexers" | keyof InformerScope>;
}

export class SharedInformerFactory {
  private readonly informers = new Map<string, Informer<ObjectLike>>();
  private started = false;

  constructor(private readonly options: SharedInformerFactoryOptions) {}

  /**
   * The informer for a resource and scope, created on first use. Extra indexers are added to a
   * shared informer's cache (an index name already present is kept).
   */
  informerFor<T extends ObjectLike>(
    def: ResourceCoords,
    scope: InformerScope = {},
    indexers: Record<string, IndexFunc<T>> = {},
  ): Informer<T> {
    const key = [
      def.group,
      def.version,
      def.resource,
      scope.namespace,
      scope.labelSelector,
      scope.fieldSelector,
    ]
      .map((p) => p ?? "")
      .join("|");
    let informer = this.informers.get(key) as Informer<T> | undefined;
    if (!informer) {
      informer = new Informer<T>({
        ...this.options.informerDefaults,
        client: this.options.client.resource<T>(def),
        ...scope,
        ...(this.options.resyncPeriodMs ? { resyncPeriodMs: this.options.resyncPeriodMs } : {}),
      });
      this.informers.set(key, informer as unknown as Informer<ObjectLike>);
      if (this.started) informer.start();
    }
    for (const [name, fn] of Object.entries(indexers)) {
      if (!informer.indexer.hasIndex(name)) informer.indexer.addIndex(name, fn);
    }
    return informer;
  }

  /** Starts every informer created so far and any created later. */
  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves true when every informer has synced, false if any was stopped first. */
  async waitForCacheSync(): Promise<boolean> {
    const results = await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
    return results.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
