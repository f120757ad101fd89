// NodePorts: a pod's hostPorts must not collide with those of pods already on the node
// (same protocol and port, and the same host IP or either side on 0.0.0.0).
import type { HostPort } from "../nodeinfo.ts";
import type { FilterPlugin } from "../types.ts";
import { success, unschedulable } from "../types.ts";

// Shared failure statuses: a cycle may fail thousands of nodes on them.
const portsTaken = Object.freeze(unschedulable("node(s) didn't have free ports for the requested pod ports"));

export function portsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.ip === b.ip || a.ip === "0.0.0.0" || b.ip === "0.0.0.0";
}

export const nodePorts: FilterPlugin = {
  name: "NodePorts",
  filter(_state, pod, node) {
    if (pod.hostPorts.length === 0 || node.usedPorts.length === 0) return success;
    for (const want of pod.hostPorts) {
      for (const used of node.usedPorts) {
        if (portsConflict(want, used)) return portsTaken;
      }
    }
    return success;
  },
};
