// Synthetic stats for a kubelet on the fake runtime (`skiff agent --runtime fake`, the embedded agent
// of `skiff server --runtime fake`): the same figures hollow nodes report, for the sandboxes and
// containers the runtime lists, matched to the kubelet's pods by uid.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { Runtime } from "../runtime/runtime.ts";
import type { StatsProvider, Summary } from "../stats/summary.ts";
import { type HollowPodView, HollowStats, type HollowStatsOptions } from "./stats.ts";

export interface FakeRuntimeStatsOptions extends HollowStatsOptions {
  nodeName: string;
  runtime: Pick<Runtime, "listContainers" | "listPodSandboxes">;
  /** The pods this kubelet runs. */
  pods: () => Pod[];
}

export class FakeRuntimeStatsProvider implements StatsProvider {
  private readonly stats: HollowStats;

  constructor(private readonly o: FakeRuntimeStatsOptions) {
    this.stats = new HollowStats(o);
  }

  async summary(): Promise<Summary> {
    const [sandboxes, containers] = await Promise.all([
      this.o.runtime.listPodSandboxes({ state: "SANDBOX_READY" }),
      this.o.runtime.listContainers({ state: "CONTAINER_RUNNING" }),
    ]);
    const byUid = new Map<string, Pod>();
    for (const p of this.o.pods()) if (p.metadata?.uid) byUid.set(p.metadata.uid, p);
    const views: HollowPodView[] = [];
    for (const s of sandboxes) {
      const pod = byUid.get(s.metadata.uid);
      if (!pod) continue;
      views.push({
        pod,
        createdAt: s.createdAt,
        containers: containers
          .filter((c) => c.podSandboxId === s.id)
          .map((c) => ({ id: c.id, name: c.metadata.name, startedAt: c.startedAt || c.createdAt })),
      });
    }
    return this.stats.summary(this.o.nodeName, views);
  }
}
