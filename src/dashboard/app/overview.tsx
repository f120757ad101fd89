// The cluster at a glance: nodes (conditions, capacity, usage) and workload health counts.
import { useCollection } from "./hooks.ts";
import { type Health, type Kind, kindOf } from "./kinds.ts";
import { Dot, ErrorBanner, Link } from "./link.tsx";
import { NodeUsage, useNodeMetrics } from "./metrics.tsx";
import { rowHealth } from "./row-health.ts";
import { useRows } from "./table-hooks.ts";

function HealthCounts(props: { kind: Kind; namespace: string }) {
  // Counts need only the printed cells (lean rows). Pods are watched; the other counts refresh
  // by listing (each watch holds a connection).
  const list = useRows(props.kind, props.namespace, { lean: true, live: props.kind.resource === "pods" });
  const counts: Record<Health, number> = { ok: 0, warn: 0, bad: 0 };
  for (const r of list.rows) counts[rowHealth(props.kind.resource, r) ?? "ok"]++;
  return (
    <div class="card" data-kind={props.kind.resource}>
      <h3>
        <Link to={props.kind.resource}>{props.kind.title}</Link>
      </h3>
      {list.error ? (
        <ErrorBanner error={list.error} />
      ) : (
        <p>
          <span class="total">{list.loaded ? list.rows.length : "…"}</span>
          {list.loaded && !list.complete && <span class="more">+</span>}{" "}
          <span class="counts">
            <Dot health="ok" />
            {counts.ok} <Dot health="warn" />
            {counts.warn} <Dot health="bad" />
            {counts.bad}
          </span>
        </p>
      )}
    </div>
  );
}

const workloads = ["pods", "deployments", "replicasets", "daemonsets", "statefulsets", "jobs", "cronjobs"];

export function Overview(props: { namespace: string }) {
  const nodeKind = kindOf("nodes");
  const nodes = useCollection(nodeKind, "");
  const usage = useNodeMetrics();
  return (
    <section class="overview" data-ready={nodes.loaded ? "true" : undefined}>
      <h2>Cluster</h2>
      <ErrorBanner error={nodes.error} />
      <table class="objects" data-kind="nodes">
        <thead>
          <tr>
            <th />
            <th>Node</th>
            <th>Conditions</th>
            <th>CPU</th>
            <th>Memory</th>
            <th>Pods</th>
          </tr>
        </thead>
        <tbody>
          {nodes.items.map((n) => {
            const status = n.status as
              | { conditions?: { type: string; status: string }[]; capacity?: Record<string, string> }
              | undefined;
            const conditions = status?.conditions ?? [];
            const bad = conditions.filter((c) =>
              c.type === "Ready" ? c.status !== "True" : c.status === "True",
            );
            return (
              <tr key={n.metadata.name} data-name={n.metadata.name}>
                <td>
                  <Dot health={nodeKind?.health?.(n)} />
                </td>
                <td>
                  <Link to={`nodes/${n.metadata.name}`}>{n.metadata.name}</Link>
                </td>
                <td>
                  {conditions.map((c) => `${c.type}=${c.status}`).join(" ") || "none"}
                  {bad.length > 0 && <strong> ({bad.map((c) => c.type).join(", ")})</strong>}
                </td>
                <td>
                  <NodeUsage
                    usage={usage.byNode.get(n.metadata.name)?.cpu}
                    capacity={status?.capacity?.cpu}
                    kind="cpu"
                  />
                </td>
                <td>
                  <NodeUsage
                    usage={usage.byNode.get(n.metadata.name)?.memory}
                    capacity={status?.capacity?.memory}
                    kind="memory"
                  />
                </td>
                <td>{status?.capacity?.pods ?? ""}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {usage.note && <p class="note">{usage.note}</p>}
      <h2>Workloads {props.namespace ? `in ${props.namespace}` : ""}</h2>
      <div class="cards">
        {workloads.map((r) => {
          const k = kindOf(r);
          return k ? <HealthCounts key={r} kind={k} namespace={props.namespace} /> : null;
        })}
      </div>
    </section>
  );
}
