// The node's route manager: watches Nodes and keeps its own routes (route protocol `protocol`,
// default 205, so it finds and removes only what it made) equal to desiredRoutes(); resyncs
// periodically, retries failures, and removes its routes on stop.
import { writeFileSync } from "node:fs";
import type { Node } from "kubernetes-types/core/v1.js";
import { SharedInformerFactory } from "../../client/informer/factory.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { RestClient } from "../../client/rest.ts";
import { run } from "./exec-file.ts";
import { ensurePodNatExemption, removePodNatExemption } from "./nat-exempt.ts";
import { desiredRoutes, type InstalledRoute, routeChanges } from "./routes-plan.ts";

const nodesResource: ResourceCoords = {
  group: "",
  version: "v1",
  resource: "nodes",
  namespaced: false,
  kind: "Node",
};

export const skiffRouteProtocol = 205;

export interface RouteManagerOptions {
  client: RestClient;
  nodeName: string;
  nodeIP?: string;
  serviceCidr?: string;
  /** The cluster's pod CIDR: traffic between its addresses is exempt from the CNI's masquerade. */
  clusterCidr?: string;
  /** The pod bridge; created (empty, up) when missing so the service route has a device. */
  bridge?: string;
  protocol?: number;
  resyncMs?: number;
  onError(err: unknown): void;
}

async function ip(args: string[]): Promise<string> {
  return (await run("ip", args)).stdout;
}

export class RouteManager {
  private readonly factory: SharedInformerFactory;
  private readonly protocol: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private dirty = false;
  private failed = false;
  private due = 0;
  private stopped = false;

  constructor(private readonly o: RouteManagerOptions) {
    this.protocol = o.protocol ?? skiffRouteProtocol;
    this.factory = new SharedInformerFactory({ client: o.client });
    const poke = () => {
      this.dirty = true;
      this.queue(0);
    };
    this.factory
      .informerFor<Node>(nodesResource)
      .addEventHandler({ onAdd: poke, onUpdate: poke, onDelete: poke });
  }

  async start(): Promise<void> {
    // Routed pod traffic crosses this node; the CNI bridge plugin enables it only at a pod's ADD.
    writeFileSync("/proc/sys/net/ipv4/ip_forward", "1");
    if (this.o.bridge) await this.ensureBridge(this.o.bridge);
    this.factory.start();
    await this.factory.waitForCacheSync();
    await this.sync();
  }

  private async ensureBridge(name: string): Promise<void> {
    const exists = await run("ip", ["link", "show", name], { allowFailure: true });
    if (exists.code !== 0) await ip(["link", "add", "name", name, "type", "bridge"]);
    await ip(["link", "set", name, "up"]);
  }

  private queue(delayMs: number): void {
    if (this.stopped) return;
    const due = Date.now() + delayMs;
    // A pending timer that fires sooner serves this request too; a later one (resync) is replaced.
    if (this.timer && this.due <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync();
    }, delayMs);
  }

  /** The routes this manager owns, as installed now. */
  async installed(): Promise<InstalledRoute[]> {
    const out = await ip(["-4", "-j", "route", "show", "proto", String(this.protocol)]);
    const parsed: unknown = JSON.parse(out.trim() || "[]");
    return (Array.isArray(parsed) ? parsed : []).filter(
      (r): r is InstalledRoute =>
        typeof r === "object" && r !== null && typeof (r as { dst?: unknown }).dst === "string",
    );
  }

  async sync(): Promise<void> {
    while (this.running) await this.running;
    if (this.stopped) return;
    this.dirty = false;
    this.running = this.apply().finally(() => {
      this.running = undefined;
    });
    await this.running;
    if (!this.stopped) this.queue(this.failed ? 2000 : this.dirty ? 0 : (this.o.resyncMs ?? 30_000));
  }

  private async apply(): Promise<void> {
    const wanted = desiredRoutes({
      nodeName: this.o.nodeName,
      nodes: this.factory.informerFor<Node>(nodesResource).indexer.list(),
      ...(this.o.serviceCidr ? { serviceCidr: this.o.serviceCidr } : {}),
      ...(this.o.bridge ? { bridge: this.o.bridge } : {}),
      ...(this.o.nodeIP ? { nodeIP: this.o.nodeIP } : {}),
    });
    try {
      for (const args of routeChanges(wanted, await this.installed(), this.protocol)) await ip(args);
      if (this.o.clusterCidr) await ensurePodNatExemption(this.o.clusterCidr);
      this.failed = false;
    } catch (err) {
      this.o.onError(err);
      this.failed = true;
    }
  }

  /** Stops watching and removes every route of our protocol. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running) await this.running;
    await this.factory.stop();
    try {
      for (const args of routeChanges([], await this.installed(), this.protocol)) await ip(args);
      if (this.o.clusterCidr) await removePodNatExemption(this.o.clusterCidr);
    } catch (err) {
      this.o.onError(err);
    }
  }
}
