// NodeName: a pod that names a node (spec.nodeName set before scheduling, or via the filter
// semantics upstream keeps for it) fits only there. Pods with nodeName never reach the queue,
// so this matters for preemption what-ifs and for other schedulers' conventions.
import type { FilterPlugin } from "../types.ts";
import { success, unresolvable } from "../types.ts";

// Shared failure statuses: a cycle may fail thousands of nodes on them.
const mismatch = Object.freeze(unresolvable("node(s) didn't match the requested node name"));

export const nodeName: FilterPlugin = {
  name: "NodeName",
  filter(_state, pod, node) {
    const wanted = pod.pod.spec?.nodeName;
    return !wanted || wanted === node.name ? success : mismatch;
  },
};
