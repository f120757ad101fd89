// What the runtime holds for one pod, read fresh on every sync (the runtime is the truth, so a
// restarted agent re-adopts its sandboxes and containers): sandboxes newest first, and per
// container name its attempts newest first.

import { containerNameLabel, podUidLabel } from "../pod/sandbox-config.ts";
import type { ContainerStatus, PodSandboxStatus, Runtime } from "../runtime/runtime.ts";

export interface ObservedPod {
  sandboxes: PodSandboxStatus[];
  /** Container name → attempts, highest attempt first, across every sandbox of the pod. */
  containers: Map<string, ContainerStatus[]>;
}

export const uidOf = (labels: Record<string, string> | undefined): string | undefined =>
  labels?.[podUidLabel];

export async function observePod(runtime: Runtime, uid: string): Promise<ObservedPod> {
  // Asked by label: with 50 pods starting, listing every sandbox at each step of each pod's sync
  // made the listings quadratic (CRI answers the label selector itself).
  const sandboxes = (await runtime.listPodSandboxes({ labelSelector: { [podUidLabel]: uid } }))
    .filter((s) => uidOf(s.labels) === uid || s.metadata.uid === uid)
    .sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
  const containers = new Map<string, ContainerStatus[]>();
  for (const s of sandboxes) {
    for (const c of await runtime.listContainers({ podSandboxId: s.id })) {
      const name = c.labels[containerNameLabel] ?? c.metadata.name;
      const list = containers.get(name) ?? [];
      list.push(c);
      containers.set(name, list);
    }
  }
  for (const list of containers.values()) {
    list.sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
  }
  return { sandboxes, containers };
}

/** The newest sandbox, if it is ready. */
export function readySandbox(o: ObservedPod): PodSandboxStatus | undefined {
  const s = o.sandboxes[0];
  return s?.state === "SANDBOX_READY" ? s : undefined;
}
