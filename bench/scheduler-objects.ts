// bench/scheduler's objects: bare Nodes (--bare-nodes) and the three kinds of pods it creates,
// and a small pool that runs their creates with bounded concurrency.
import type { Node, Pod } from "kubernetes-types/core/v1.js";

/** Pods are named `<kind>-<i>`: the kind is read back from the name. */
export type PodKind = "plain" | "anti" | "calibration";

export const kindOf = (name: string) => name.slice(0, name.indexOf("-")) as PodKind;

export function bareNode(i: number): Node {
  const name = `hollow-${String(i).padStart(5, "0")}`;
  const cap = { cpu: "4", memory: "16Gi", pods: "110", "ephemeral-storage": "100Gi" };
  return {
    metadata: {
      name,
      labels: { "kubernetes.io/hostname": name, "topology.kubernetes.io/zone": `zone-${i % 3}` },
    },
    status: { capacity: cap, allocatable: cap, conditions: [{ type: "Ready", status: "True" }] },
  };
}

export function benchPod(i: number, kind: PodKind): Pod {
  const labels = { app: kind };
  return {
    metadata: { name: `${kind}-${i}`, namespace: "default", labels },
    spec: {
      // Calibration pods name a scheduler nobody runs: they cost the API and the watchers, never a cycle.
      ...(kind === "calibration" ? { schedulerName: "bench-nobody" } : {}),
      containers: [{ name: "c", image: "busybox", resources: { requests: { cpu: "10m", memory: "10Mi" } } }],
      ...(kind === "anti"
        ? {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" },
                ],
              },
            },
          }
        : {}),
    },
  };
}

export async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await fn(item);
      }
    }),
  );
}
