// `skiff status`: one screen on the cluster — server version, nodes and their readiness, pods by
// phase, workloads short of their desired count, and the latest warning events.

import { existsSync } from "node:fs";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Event, Node, Pod } from "kubernetes-types/core/v1.js";
import { age } from "../api/duration.ts";
import { HttpsTransport } from "../client/https-transport.ts";
import { loadKubeconfig } from "../client/kubeconfig.ts";
import { RestClient } from "../client/rest.ts";
import { UsageError } from "./usage.ts";

interface List<T> {
  items: T[];
}

export interface ClusterFacts {
  server: string;
  version: string;
  nodes: Node[];
  pods: Pod[];
  deployments: Deployment[];
  events: Event[];
}

function ready(node: Node): string {
  const c = node.status?.conditions?.find((x) => x.type === "Ready");
  const state = c?.status === "True" ? "Ready" : c?.status === "False" ? "NotReady" : "Unknown";
  return node.spec?.unschedulable ? `${state},SchedulingDisabled` : state;
}

/** The summary's lines; `now` is injectable for tests. */
export function summarize(f: ClusterFacts, now = Date.now()): string[] {
  const lines = [`cluster ${f.server} (Kubernetes ${f.version})`];
  const readyNodes = f.nodes.filter((n) => ready(n) === "Ready").length;
  lines.push(`nodes: ${readyNodes}/${f.nodes.length} Ready`);
  for (const n of f.nodes) {
    const info = n.status?.nodeInfo;
    const alloc = n.status?.allocatable ?? {};
    lines.push(
      `  ${n.metadata?.name}  ${ready(n)}  ${info?.containerRuntimeVersion ?? "?"}  cpu ${alloc.cpu ?? "?"}, memory ${alloc.memory ?? "?"}, pods ${alloc.pods ?? "?"}`,
    );
  }
  const phases = new Map<string, number>();
  for (const p of f.pods) {
    const phase = p.metadata?.deletionTimestamp ? "Terminating" : (p.status?.phase ?? "Unknown");
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
  }
  const namespaces = new Set(f.pods.map((p) => p.metadata?.namespace)).size;
  const byPhase = [...phases].sort((a, b) => b[1] - a[1]).map(([phase, n]) => `${n} ${phase}`);
  lines.push(
    `pods: ${f.pods.length}${byPhase.length > 0 ? ` (${byPhase.join(", ")})` : ""} in ${namespaces} namespace(s)`,
  );
  const short = f.deployments.filter((d) => (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 1));
  lines.push(`deployments: ${f.deployments.length - short.length}/${f.deployments.length} fully available`);
  for (const d of short) {
    lines.push(
      `  ${d.metadata?.namespace}/${d.metadata?.name}  ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1} available`,
    );
  }
  const warnings = f.events
    .filter((e) => e.type === "Warning")
    .sort((a, b) => Date.parse(eventTime(b)) - Date.parse(eventTime(a)))
    .slice(0, 5);
  if (warnings.length > 0) {
    lines.push("recent warnings:");
    for (const e of warnings) {
      const o = e.involvedObject;
      lines.push(
        `  ${age(eventTime(e), new Date(now))}  ${o.namespace ? `${o.namespace}/` : ""}${(o.kind ?? "").toLowerCase()}/${o.name}  ${e.reason}: ${(e.message ?? "").split("\n")[0]}`,
      );
    }
  }
  return lines;
}

function eventTime(e: Event): string {
  return e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? "";
}

export async function runStatus(flags: { kubeconfig: string; context?: string }): Promise<void> {
  if (!existsSync(flags.kubeconfig)) {
    throw new UsageError(
      `no kubeconfig at ${flags.kubeconfig}: pass the server's --data-dir or --kubeconfig`,
    );
  }
  const connection = loadKubeconfig(flags.kubeconfig, flags.context);
  const transport = new HttpsTransport({ connection, userAgent: "skiff-status" });
  const client = new RestClient({ transport, userAgent: "skiff-status" });
  try {
    const get = <T>(path: string) => client.request<List<T>>("GET", path).then((l) => l.items);
    const [version, nodes, pods, deployments, events] = await Promise.all([
      client.request<{ gitVersion: string }>("GET", "/version"),
      get<Node>("/api/v1/nodes"),
      get<Pod>("/api/v1/pods"),
      get<Deployment>("/apis/apps/v1/deployments"),
      get<Event>("/api/v1/events"),
    ]);
    const facts = {
      server: connection.server,
      version: version.gitVersion,
      nodes,
      pods,
      deployments,
      events,
    };
    process.stdout.write(`${summarize(facts).join("\n")}\n`);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ETIMEDOUT") {
      throw new Error(`cannot reach the cluster at ${connection.server} (${code}): is skiff server running?`);
    }
    throw err;
  } finally {
    transport.close();
  }
}
