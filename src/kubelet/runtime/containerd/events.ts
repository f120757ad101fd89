// Container events (CRI GetContainerEvents' shape) synthesised from listings: containerd 1.6 has no
// event stream for CRI clients, so while anyone listens, the container list is polled and each
// state change since the previous poll becomes an event. The first poll reports what exists.
import type { ContainerEvent, ContainerEventType } from "../runtime.ts";

export interface ListedContainer {
  id: string;
  podSandboxId: string;
  state: string;
}

export interface ContainerEventPollerOptions {
  list: () => Promise<ListedContainer[]>;
  /** Default 1000 ms. */
  pollMs?: number;
  now?: () => number;
}

export class ContainerEventPoller {
  private readonly listeners = new Set<(e: ContainerEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private known = new Map<string, ListedContainer>();

  constructor(private readonly options: ContainerEventPollerOptions) {}

  subscribe(listener: (event: ContainerEvent) => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.options.pollMs ?? 1000);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.close();
    };
  }

  /** One comparison of the current listing with the previous one (the timer calls it). */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const current = await this.options.list();
      const createdAt = (this.options.now ?? Date.now)();
      const emit = (c: ListedContainer, type: ContainerEventType): void => {
        for (const l of this.listeners)
          l({ containerId: c.id, podSandboxId: c.podSandboxId, type, createdAt });
      };
      const seen = new Map<string, ListedContainer>();
      for (const c of current) {
        seen.set(c.id, c);
        const before = this.known.get(c.id)?.state;
        if (before === c.state) continue;
        if (before === undefined) emit(c, "CONTAINER_CREATED_EVENT");
        if (c.state === "CONTAINER_RUNNING") emit(c, "CONTAINER_STARTED_EVENT");
        if (c.state === "CONTAINER_EXITED") emit(c, "CONTAINER_STOPPED_EVENT");
      }
      for (const [id, c] of this.known) if (!seen.has(id)) emit(c, "CONTAINER_DELETED_EVENT");
      this.known = seen;
    } catch {
      // containerd restarting: the next poll sees the difference.
    } finally {
      this.polling = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }
}
