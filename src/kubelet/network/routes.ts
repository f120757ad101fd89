// The node's route manager: watches Nodes and keeps its own routes (route protocol `protocol`,
// default 205, so it finds and removes only what it made) equal to desiredRoutes(); resyncs
// periodically, retries failures, and removes its routes on stop. With the vxlan backend it also
// keeps the vxlan device, announces its VTEP in the Node's annotations and removes the device on stop.
import { writeFileSync } from "node:fs";
import type { Node } from "kubernetes-types/core/v1.js";
import { SharedInformerFactory } from "../../client/informer/factory.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import type { RestClient } from "../../client/rest.ts";
import { run } from "./exec-file.ts";
import { ensurePodNatExemption, removePodNatExemption } from "./nat-exempt.ts";
import { desiredRoutes, type InstalledRoute, internalIP, routeChanges } from "./routes-plan.ts";
import { VxlanDevice } from "./vxlan.ts";
import { publicIPAnnotation, vtepMacAnnotation, vxlanDevice, vxlanPeers } from "./vxlan-plan.ts";

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
  /** host-gw (default): routes via other nodes' addresses; vxlan: through a vxlan device. */
  backend?: "host-gw" | "vxlan";
  /** Addresses of this machine (see RoutePlanInput.localIPs). */
  localIPs?: string[];
  /** Enable IPv4 forwarding at start (default true; a node-less server only originates). */
  forwarding?: boolean;
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
  private readonly vxlan: VxlanDevice | undefined;

  constructor(private readonly o: RouteManagerOptions) {
    this.protocol = o.protocol ?? skiffRouteProtocol;
    this.vxlan = o.backend === "vxlan" ? new VxlanDevice(vxlanDevice, o.nodeName) : undefined;
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
    if (this.o.forwarding !== false) writeFileSync("/proc/sys/net/ipv4/ip_forward", "1");
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

  /** The vxlan device is up and announced, FDB and neighbours programmed; false until possible. */
  private async overlay(nodes: readonly Node[]): Promise<boolean> {
    if (!this.vxlan) return false;
    const own = nodes.find((n) => n.metadata?.name === this.o.nodeName);
    const publicIP = this.o.nodeIP ?? (own ? internalIP(own) : undefined);
    if (!own || !publicIP) return false;
    await this.vxlan.ensure(publicIP, own.spec?.podCIDR);
    const a = own.metadata?.annotations ?? {};
    if (a[vtepMacAnnotation] !== this.vxlan.mac || a[publicIPAnnotation] !== publicIP) {
      await this.o.client.resource<Node>(nodesResource).patch(
        this.o.nodeName,
        {
          metadata: {
            annotations: { [vtepMacAnnotation]: this.vxlan.mac, [publicIPAnnotation]: publicIP },
          },
        },
        { type: "merge" },
      );
    }
    await this.vxlan.program(vxlanPeers(this.o.nodeName, nodes));
    return true;
  }

  private async apply(): Promise<void> {
    try {
      const nodes = this.factory.informerFor<Node>(nodesResource).indexer.list();
      const overlay = await this.overlay(nodes);
      const wanted = desiredRoutes({
        nodeName: this.o.nodeName,
        nodes,
        ...(this.o.serviceCidr ? { serviceCidr: this.o.serviceCidr } : {}),
        ...(this.o.bridge ? { bridge: this.o.bridge } : {}),
        ...(this.o.nodeIP ? { nodeIP: this.o.nodeIP } : {}),
        ...(this.o.localIPs ? { localIPs: this.o.localIPs } : {}),
        ...(overlay && this.vxlan ? { vxlanDevice: this.vxlan.name } : {}),
      });
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
      await this.vxlan?.remove();
    } catch (err) {
      this.o.onError(err);
    }
  }
}
