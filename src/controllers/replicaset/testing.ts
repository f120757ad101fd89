// Test helpers for workload controllers: a manager without leader election on an in-process API,
// and pod status writes that stand in for a kubelet (Running and Ready, or not).
import type { Pod } from "kubernetes-types/core/v1.js";
import { SharedInformerFactory } from "../../client/informer/factory.ts";
import type { RestClient } from "../../client/rest.ts";
import { type ControllerDescriptor, ControllerManager } from "../manager.ts";
import { podsResource } from "../util/resources.ts";

export function runControllers(client: RestClient, controllers: ControllerDescriptor[]): ControllerManager {
  const m = new ControllerManager({
    client,
    informers: new SharedInformerFactory({ client }),
    controllers,
    leaderElection: false,
    workers: 2,
  });
  m.start();
  return m;
}

/** Marks a pod Running and Ready (or not ready) through the status subresource, like a kubelet would. */
export async function setPodReady(client: RestClient, pod: Pod, ready: boolean): Promise<Pod> {
  const pods = client.resource<Pod>(podsResource);
  const ns = pod.metadata?.namespace ?? "";
  const name = pod.metadata?.name ?? "";
  const current = await pods.get(name, { namespace: ns });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const status = ready ? "True" : "False";
  return pods.updateStatus(
    {
      ...current,
      status: {
        ...current.status,
        phase: "Running",
        podIP: "10.42.0.10",
        conditions: [
          { type: "PodScheduled", status: "True", lastTransitionTime: now },
          { type: "Ready", status, lastTransitionTime: now },
          { type: "ContainersReady", status, lastTransitionTime: now },
        ],
      },
    },
    { namespace: ns },
  );
}

/** Marks every new pod Running and Ready, like a kubelet, until stopped (tests without hollow nodes). */
export function startFakeKubelet(client: RestClient, intervalMs = 30): { stop(): Promise<void> } {
  const pods = client.resource<Pod>(podsResource);
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      try {
        const list = await pods.list();
        for (const p of list.items) {
          if (stopped) break;
          if (p.metadata?.deletionTimestamp || p.status?.conditions?.some((c) => c.type === "Ready"))
            continue;
          await setPodReady(client, p, true).catch(() => undefined);
        }
      } catch {
        // the next round retries
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
