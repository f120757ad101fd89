// kubelet_pod_start_duration_seconds: from the kubelet first seeing a pod to the pod Running, as
// the kubelet's own status write comes back through its pod watch (once per pod uid).
import type { Pod } from "kubernetes-types/core/v1.js";
import { defaultRegistry, kubeletPodStartBuckets } from "../../metrics/index.ts";

const podStart = defaultRegistry.histogram({
  name: "kubelet_pod_start_duration_seconds",
  help: "Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run",
  buckets: kubeletPodStartBuckets,
});

// Pods force-deleted before running are never seen again: the map forgets the oldest beyond this.
const maxTracked = 10_000;

export class PodStartTracker {
  private readonly firstSeen = new Map<string, number>();
  private readonly started = new Set<string>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Every pod the kubelet's informer delivers (adds, updates, deletes). */
  observe(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid || this.started.has(uid)) return;
    const phase = pod.status?.phase;
    if (pod.metadata?.deletionTimestamp || phase === "Succeeded" || phase === "Failed") {
      this.firstSeen.delete(uid);
      return;
    }
    const seen = this.firstSeen.get(uid);
    if (seen === undefined) {
      // A pod already Running when first seen (kubelet restart) was not started by us.
      if (phase === "Running") return;
      this.firstSeen.set(uid, this.now());
      if (this.firstSeen.size > maxTracked) {
        const oldest = this.firstSeen.keys().next().value;
        if (oldest !== undefined) this.firstSeen.delete(oldest);
      }
      return;
    }
    if (phase !== "Running") return;
    podStart.observe((this.now() - seen) / 1000);
    this.firstSeen.delete(uid);
    this.started.add(uid);
    if (this.started.size > maxTracked) {
      const oldest = this.started.values().next().value;
      if (oldest !== undefined) this.started.delete(oldest);
    }
  }
}
