// The service proxy of a node: Services and EndpointSlices from informers, the whole desired
// ruleset recomputed on any change (level-triggered, coalesced to at most one apply per
// `minSyncIntervalMs`) and applied atomically when it differs from what is installed; the table
// is removed on stop. Failures are retried with backoff; nothing is applied half-way.
import type { Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import { SharedInformerFactory } from "../client/informer/factory.ts";
import type { ResourceCoords } from "../client/paths.ts";
import type { RestClient } from "../client/rest.ts";
import { deleteConntrack, staleEntries, type UdpTarget, udpTargets } from "./conntrack.ts";
import { ServicePortCache } from "./model.ts";
import { deleteTableScript, NftablesPlanner, runNft } from "./nftables.ts";

const servicesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "services",
  namespaced: true,
  kind: "Service",
};
const slicesResource: ResourceCoords = {
  group: "discovery.k8s.io",
  version: "v1",
  resource: "endpointslices",
  namespaced: true,
  kind: "EndpointSlice",
};

export interface ServiceProxyOptions {
  client: RestClient;
  nodeName: string;
  /** Own nftables table name (default "skiff"). */
  table?: string;
  clusterCidr?: string;
  /** How to run nft (default ["nft"]; tests use ["ip", "netns", "exec", NS, "nft"]). */
  nftCommand?: string[];
  minSyncIntervalMs?: number;
  /** Called after each successful apply (programming latency is measured from here). */
  onApplied?: (info: { servicePorts: number; durationMs: number }) => void;
  onError?: (err: unknown) => void;
}

export class ServiceProxy {
  private readonly factory: SharedInformerFactory;
  private readonly table: string;
  private readonly planner: NftablesPlanner;
  private readonly portCache: ServicePortCache;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private stopped = false;
  private lastApply = 0;
  private failures = 0;
  private initialized = false;
  private udp = new Map<string, UdpTarget>();
  private conntrackMissing = false;

  constructor(private readonly options: ServiceProxyOptions) {
    this.table = options.table ?? "skiff";
    this.factory = new SharedInformerFactory({ client: options.client });
    this.portCache = new ServicePortCache(options.nodeName);
    this.planner = new NftablesPlanner({
      table: this.table,
      ...(options.clusterCidr ? { clusterCidr: options.clusterCidr } : {}),
    });
    const handler = { onAdd: () => this.queue(), onUpdate: () => this.queue(), onDelete: () => this.queue() };
    this.factory.informerFor<Service>(servicesResource).addEventHandler(handler);
    this.factory.informerFor<EndpointSlice>(slicesResource).addEventHandler(handler);
  }

  /** Starts the informers; resolves once the first ruleset is installed. */
  async start(): Promise<void> {
    this.factory.start();
    await this.factory.waitForCacheSync();
    this.initialized = true;
    await this.sync();
  }

  private queue(): void {
    this.dirty = true;
    if (this.timer || this.stopped || !this.initialized) return;
    const wait = Math.max(0, this.lastApply + (this.options.minSyncIntervalMs ?? 50) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, wait);
  }

  /** Recomputes and applies the ruleset now (serialized with any sync in flight). */
  async sync(): Promise<void> {
    while (this.running) await this.running;
    if (this.stopped) return;
    this.dirty = false;
    this.running = this.apply().finally(() => {
      this.running = undefined;
    });
    await this.running;
    if (this.dirty && !this.stopped) this.queue();
  }

  private async apply(): Promise<void> {
    const started = Date.now();
    const services = this.factory.informerFor<Service>(servicesResource).indexer.list();
    const slices = this.factory.informerFor<EndpointSlice>(slicesResource).indexer.list();
    const ports = this.portCache.compute(services, slices);
    const script = this.planner.plan(ports);
    this.lastApply = started;
    if (script === "") {
      this.planner.commit();
      return;
    }
    try {
      await runNft(script, this.options.nftCommand);
      this.planner.commit();
      this.failures = 0;
      await this.flushStaleUdp(udpTargets(ports));
      this.options.onApplied?.({ servicePorts: ports.length, durationMs: Date.now() - started });
    } catch (err) {
      this.planner.reset();
      this.options.onError?.(err);
      this.failures++;
      const backoff = Math.min(30_000, 500 * 2 ** Math.min(6, this.failures - 1));
      if (!this.stopped && !this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.sync();
        }, backoff);
      }
    }
  }

  /** Deletes conntrack entries of UDP endpoints the rules no longer send to (best effort). */
  private async flushStaleUdp(now: Map<string, UdpTarget>): Promise<void> {
    const stale = staleEntries(this.udp, now);
    this.udp = now;
    if (stale.length === 0 || this.conntrackMissing) return;
    try {
      this.conntrackMissing = !(await deleteConntrack(stale));
    } catch (err) {
      this.options.onError?.(err);
    }
  }

  /** Stops watching and removes the table. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    await this.factory.stop();
    await runNft(deleteTableScript(this.table), this.options.nftCommand).catch((err: unknown) =>
      this.options.onError?.(err),
    );
  }
}
