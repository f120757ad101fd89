// A live table of one kind: name, namespace, the kind's columns, age, health. Lists show the
// server's Table columns (rows, not whole objects); ObjectTable shows objects already fetched.
import { useState } from "preact/hooks";
import { age } from "./format.ts";
import type { Kind, KubeObject } from "./kinds.ts";
import { Dot, ErrorBanner, Link } from "./link.tsx";
import { rowHealth, shownColumns } from "./row-health.ts";
import type { Row } from "./rows.ts";
import { useRows } from "./table-hooks.ts";

export function objectPath(k: Kind, o: KubeObject): string {
  return k.namespaced
    ? `${k.resource}/${o.metadata.namespace ?? ""}/${o.metadata.name}`
    : `${k.resource}/${o.metadata.name}`;
}

function Head(props: { columns: string[]; showNamespace: boolean }) {
  return (
    <thead>
      <tr>
        <th />
        <th>Name</th>
        {props.showNamespace && <th>Namespace</th>}
        {props.columns.map((title) => (
          <th key={title}>{title}</th>
        ))}
        <th>Age</th>
      </tr>
    </thead>
  );
}

export function ObjectTable(props: { kind: Kind; items: KubeObject[]; showNamespace: boolean }) {
  const k = props.kind;
  return (
    <table class="objects" data-kind={k.resource}>
      <Head columns={k.columns.map(([title]) => title)} showNamespace={props.showNamespace} />
      <tbody>
        {props.items.map((o) => (
          <tr
            key={o.metadata.uid ?? `${o.metadata.namespace}/${o.metadata.name}`}
            data-name={o.metadata.name}
          >
            <td>
              <Dot health={k.health?.(o)} />
            </td>
            <td>
              <Link to={objectPath(k, o)}>{o.metadata.name}</Link>
            </td>
            {props.showNamespace && <td>{o.metadata.namespace}</td>}
            {k.columns.map(([title, f]) => (
              <td key={title}>{f(o)}</td>
            ))}
            <td>{age(o.metadata.creationTimestamp)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RowTable(props: { kind: Kind; rows: Row[]; columns: string[]; showNamespace: boolean }) {
  const k = props.kind;
  return (
    <table class="objects" data-kind={k.resource}>
      <Head columns={props.columns} showNamespace={props.showNamespace} />
      <tbody>
        {props.rows.map((r) => {
          const ns = r.namespace ?? "";
          return (
            <tr key={r.uid || `${ns}/${r.name}`} data-name={r.name}>
              <td>
                <Dot health={rowHealth(k.resource, r)} />
              </td>
              <td>
                <Link to={k.namespaced ? `${k.resource}/${ns}/${r.name}` : `${k.resource}/${r.name}`}>
                  {r.name}
                </Link>
              </td>
              {props.showNamespace && <td>{ns}</td>}
              {props.columns.map((title) => (
                <td key={title}>{r.cells[title]}</td>
              ))}
              <td>{r.creationTimestamp ? age(r.creationTimestamp) : r.cells.Age}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

// Rows rendered at once: a thousand-row table costs far more layout than its data costs to load.
const pageSize = 100;

export function ListView(props: { kind: Kind; namespace: string }) {
  const k = props.kind;
  // Within one namespace the rows need no metadata: the name is the key.
  const list = useRows(k, props.namespace, { lean: k.namespaced && props.namespace !== "" });
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(0);
  const items = filter ? list.rows.filter((r) => r.name.includes(filter)) : list.rows;
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = items.slice(current * pageSize, (current + 1) * pageSize);
  const failed = list.error !== "" && items.length === 0;
  return (
    <section class="list" data-kind={k.resource}>
      <h2>
        {k.title}{" "}
        <small class="count">{failed ? "" : !list.loaded ? "…" : filter ? items.length : list.total}</small>
        {list.loaded && !list.complete && <small class="more">loading…</small>}
      </h2>
      <div class="toolbar">
        <input
          class="filter"
          placeholder="Filter by name"
          value={filter}
          onInput={(e) => {
            setFilter(e.currentTarget.value);
            setPage(0);
          }}
        />
        {pages > 1 && (
          <span class="pager">
            <button type="button" disabled={current === 0} onClick={() => setPage(current - 1)}>
              ‹
            </button>{" "}
            {current * pageSize + 1}–{current * pageSize + shown.length} of{" "}
            {filter ? items.length : list.total}{" "}
            <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
              ›
            </button>
          </span>
        )}
      </div>
      <ErrorBanner error={list.error} />
      {!failed && (
        <RowTable
          kind={k}
          rows={shown}
          columns={shownColumns(k.resource, list.columns)}
          showNamespace={k.namespaced && props.namespace === ""}
        />
      )}
    </section>
  );
}
