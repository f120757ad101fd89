// Listings of sandboxes and containers completed with their statuses (CRI lists carry no IPs,
// times, exit codes or reasons). Statuses are cached per id while the listed state is unchanged:
// they change only with the state, so a steady relist costs one List call instead of one per item.
import type { ContainerFilter, ContainerStatus, PodSandboxFilter, PodSandboxStatus } from "../runtime.ts";
import { containerFromCri, containerStatusFromCri, sandboxFromCri } from "./convert.ts";
import type { CriClient } from "./cri-client.ts";
import type {
  ContainerStatusResponse,
  ListContainersResponse,
  ListPodSandboxResponse,
  PodSandboxStatusResponse,
} from "./cri-types.ts";

export class CriListing {
  private readonly statusCache = new Map<string, ContainerStatus>();
  private readonly sandboxCache = new Map<string, PodSandboxStatus>();

  constructor(private readonly client: CriClient) {}

  forgetSandbox(id: string): void {
    this.sandboxCache.delete(id);
  }

  forgetContainer(id: string): void {
    this.statusCache.delete(id);
  }

  private async sandboxStatus(podSandboxId: string): Promise<PodSandboxStatus | undefined> {
    const res = await this.client.call<PodSandboxStatusResponse>("PodSandboxStatus", { podSandboxId });
    return res.status ? sandboxFromCri(res.status) : undefined;
  }

  async sandboxes(filter?: PodSandboxFilter): Promise<PodSandboxStatus[]> {
    const res = await this.client.call<ListPodSandboxResponse>("ListPodSandbox", {
      filter: {
        id: filter?.id ?? "",
        state: filter?.state ? { state: filter.state } : undefined,
        labelSelector: filter?.labelSelector ?? {},
      },
    });
    // The list carries no IPs: ask each sandbox once per state (its IP does not change meanwhile).
    const live = new Set(res.items.map((s) => s.id));
    if (!filter?.id && !filter?.state && !filter?.labelSelector) {
      for (const id of this.sandboxCache.keys()) if (!live.has(id)) this.sandboxCache.delete(id);
    }
    return Promise.all(
      res.items.map(async (s) => {
        const cached = this.sandboxCache.get(s.id);
        if (cached && cached.state === s.state) return structuredClone(cached);
        try {
          const status = await this.sandboxStatus(s.id);
          if (!status) return sandboxFromCri(s);
          if (status.state === s.state) this.sandboxCache.set(s.id, status);
          return status;
        } catch {
          return sandboxFromCri(s);
        }
      }),
    );
  }

  async containers(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    const res = await this.client.call<ListContainersResponse>("ListContainers", {
      filter: {
        id: filter?.id ?? "",
        podSandboxId: filter?.podSandboxId ?? "",
        state: filter?.state ? { state: filter.state } : undefined,
      },
    });
    // Listings lack start/finish times, exit codes and reasons: complete each from its status.
    const live = new Set(res.containers.map((c) => c.id));
    if (!filter?.id && !filter?.podSandboxId && !filter?.state) {
      for (const id of this.statusCache.keys()) if (!live.has(id)) this.statusCache.delete(id);
    }
    return Promise.all(
      res.containers.map(async (c) => {
        const cached = this.statusCache.get(c.id);
        if (cached && cached.state === c.state) return structuredClone(cached);
        try {
          const s = await this.client.call<ContainerStatusResponse>("ContainerStatus", { containerId: c.id });
          if (!s.status) return containerFromCri(c);
          const status = containerStatusFromCri(s.status, c.podSandboxId);
          // A listing may lag its status by one transition: cache only what the listing agrees with.
          if (status.state === c.state) this.statusCache.set(c.id, status);
          return status;
        } catch {
          return containerFromCri(c);
        }
      }),
    );
  }
}
