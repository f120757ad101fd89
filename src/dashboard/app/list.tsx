// A live table of one kind: name, namespace, the kind's columns, age, health.
import { useState } from "preact/hooks";
import { age } from "./format.ts";
import { useCollection } from "./hooks.ts";
import type { Kind, KubeObject } from "./kinds.ts";
import { Dot, ErrorBanner, Link } from "./link.tsx";

export function objectPath(k: Kind, o: KubeObject): string {
  return k.namespaced
    ? `${k.resource}/${o.metadata.namespace ?? ""}/${o.metadata.name}`
    : `${k.resource}/${o.metadata.name}`;
}

export function ObjectTable(props: { kind: Kind; items: KubeObject[]; showNamespace: boolean }) {
  const k = props.kind;
  return (
    <table class="objects" data-kind={k.resource}>
      <thead>
        <tr>
          <th />
          <th>Name</th>
          {props.showNamespace && <th>Namespace</th>}
          {k.columns.map(([title]) => (
            <th key={title}>{title}</th>
          ))}
          <th>Age</th>
        </tr>
      </thead>
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

// Rows rendered at once: a thousand-row table costs far more layout than its data costs to load.
const pageSize = 100;

export function ListView(props: { kind: Kind; namespace: string }) {
  const k = props.kind;
  const list = useCollection(k, props.namespace);
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(0);
  const items = filter ? list.items.filter((o) => o.metadata.name.includes(filter)) : list.items;
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(page, pages - 1);
  const shown = items.slice(current * pageSize, (current + 1) * pageSize);
  const failed = list.error !== "" && items.length === 0;
  return (
    <section>
      <h2>
        {k.title} <small class="count">{failed ? "" : list.loaded ? items.length : "…"}</small>
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
            {current * pageSize + 1}–{current * pageSize + shown.length} of {items.length}{" "}
            <button type="button" disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>
              ›
            </button>
          </span>
        )}
      </div>
      <ErrorBanner error={list.error} />
      {!failed && (
        <ObjectTable kind={k} items={shown} showNamespace={k.namespaced && props.namespace === ""} />
      )}
    </section>
  );
}
