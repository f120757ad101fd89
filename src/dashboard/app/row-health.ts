// Health and the columns to show, read from a kind's Table cells (what `kubectl get` prints),
// for lists and overview counts that fetch rows instead of whole objects.
import type { Health } from "./kinds.ts";
import type { Row } from "./rows.ts";

/** "2/3" → [2, 3]. */
function fraction(s: string | undefined): [number, number] {
  const [a = "0", b = "0"] = (s ?? "").split("/");
  return [Number(a) || 0, Number(b) || 0];
}

const readyOf = (have: number, want: number): Health => (have >= want ? "ok" : have > 0 ? "warn" : "bad");

const pending = new Set(["Pending", "ContainerCreating", "PodInitializing", "Terminating"]);

const byResource: Record<string, (c: Record<string, string>) => Health> = {
  namespaces: (c) => (c.Status === "Active" ? "ok" : "warn"),
  nodes: (c) => ((c.Status ?? "").split(",")[0] === "Ready" ? "ok" : "bad"),
  pods: (c) => {
    const s = c.Status ?? "";
    const [ready, total] = fraction(c.Ready);
    if (s === "Running") return ready === total ? "ok" : "warn";
    if (s === "Succeeded" || s === "Completed") return "ok";
    return pending.has(s) || s.startsWith("Init:") ? "warn" : "bad";
  },
  deployments: (c) => readyOf(...fraction(c.Ready)),
  statefulsets: (c) => readyOf(...fraction(c.Ready)),
  replicasets: (c) => readyOf(Number(c.Ready) || 0, Number(c.Desired) || 0),
  daemonsets: (c) => ((Number(c.Ready) || 0) >= (Number(c.Desired) || 0) ? "ok" : "warn"),
  jobs: (c) => (c.Status === "Failed" ? "bad" : c.Status === "Complete" ? "ok" : "warn"),
  events: (c) => (c.Type === "Warning" ? "warn" : "ok"),
};

export function rowHealth(resource: string, row: Row): Health | undefined {
  return byResource[resource]?.(row.cells);
}

// Wide (priority 1) columns worth a place in the list beside the default ones.
const wide: Record<string, string[]> = { pods: ["IP", "Node"], nodes: ["Internal-IP"] };

/** The Table columns a list shows: the default ones and the kind's chosen wide ones, without
 * Name and Age (the list shows its own, with a link and a live age). */
export function shownColumns(resource: string, columns: readonly { name: string; priority: number }[]) {
  const extra = wide[resource] ?? [];
  return columns
    .filter((c) => c.priority === 0 || extra.includes(c.name))
    .map((c) => c.name)
    .filter((n) => n !== "Name" && n !== "Age");
}
