// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods tolerating the
// node.kubernetes.io/unschedulable:NoSchedule taint (DaemonSet pods get that toleration).
import type { FilterPlugin } from "../types.ts";
import { success, unresolvable } from "../types.ts";
import { toleratedBy } from "./tolerations.ts";

// Shared failure statuses: a cycle may fail thousands of nodes on them.
const cordoned = Object.freeze(unresolvable("node(s) were unschedulable"));

const unschedulableTaint = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" };

export const nodeUnschedulable: FilterPlugin = {
  name: "NodeUnschedulable",
  filter(_state, pod, node) {
    if (!node.unschedulable) return success;
    if (toleratedBy(unschedulableTaint, pod.pod.spec?.tolerations ?? [])) return success;
    return cordoned;
  },
};
