// Lists as server-side Tables (meta.k8s.io/v1): rows of printed cells instead of whole objects,
// and the set of rows a list-then-watch keeps, including rows listed without their metadata.

export interface Column {
  name: string;
  priority: number;
}

/** One object as a table row: its identity (when the server sent metadata) and its cells. */
export interface Row {
  name: string;
  /** null: listed across namespaces without metadata, so not known. */
  namespace: string | null;
  uid: string;
  creationTimestamp: string;
  resourceVersion: string;
  cells: Record<string, string>;
}

interface RowJson {
  cells?: unknown[];
  object?: {
    metadata?: {
      name?: string;
      namespace?: string;
      uid?: string;
      creationTimestamp?: string;
      resourceVersion?: string;
    };
  };
}

export interface TableJson {
  columnDefinitions?: Column[];
  rows?: RowJson[];
  metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number };
}

/**
 * The rows of a Table. `namespace` is what the request was scoped to: "" for cluster-scoped
 * kinds, null for a namespaced kind across namespaces (rows without metadata do not say).
 */
export function rowsOf(table: TableJson, columns: readonly Column[], namespace: string | null): Row[] {
  const nameAt = columns.findIndex((c) => c.name === "Name");
  return (table.rows ?? []).map((r) => {
    const cells: Record<string, string> = {};
    columns.forEach((c, i) => {
      const v = r.cells?.[i];
      cells[c.name] = v === undefined || v === null ? "" : String(v);
    });
    const m = r.object?.metadata;
    return {
      name: m?.name ?? (nameAt >= 0 ? (cells.Name ?? "") : ""),
      namespace: m ? (m.namespace ?? "") : namespace,
      uid: m?.uid ?? "",
      creationTimestamp: m?.creationTimestamp ?? "",
      resourceVersion: m?.resourceVersion ?? "",
      cells,
    };
  });
}

const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;

/**
 * The rows a list-then-watch keeps. Listed rows whose namespace is unknown wait, by name, until a
 * watch event (which carries metadata) names them: MODIFIED or DELETED of an object the set does
 * not hold by key is an object that existed at list time, so it is the one listed row of that
 * name. When two listed rows share the name, `ambiguous` asks the caller to list with metadata.
 */
export class RowSet {
  private keyed = new Map<string, Row>();
  private unbound = new Map<string, Row[]>();
  ambiguous = false;

  clear(): void {
    this.keyed.clear();
    this.unbound.clear();
    this.ambiguous = false;
  }

  listed(row: Row): void {
    if (row.namespace !== null) {
      this.keyed.set(keyOf(row.namespace, row.name), row);
      return;
    }
    const same = this.unbound.get(row.name);
    if (same) same.push(row);
    else this.unbound.set(row.name, [row]);
  }

  /** One watch event's row (with metadata). */
  apply(type: "ADDED" | "MODIFIED" | "DELETED", row: Row): void {
    const key = keyOf(row.namespace ?? "", row.name);
    if (type !== "ADDED" && !this.keyed.has(key)) {
      const listed = this.unbound.get(row.name);
      if (listed && listed.length > 1) {
        this.ambiguous = true;
        return;
      }
      if (listed) this.unbound.delete(row.name);
    }
    if (type === "DELETED") this.keyed.delete(key);
    else this.keyed.set(key, row);
  }

  get size(): number {
    let n = this.keyed.size;
    for (const rows of this.unbound.values()) n += rows.length;
    return n;
  }

  /** Sorted by namespace, then name (rows of unknown namespace first). */
  rows(): Row[] {
    const all = [...this.keyed.values()];
    for (const rows of this.unbound.values()) all.push(...rows);
    return all
      .map((r) => [`${r.namespace ?? ""}/${r.name}`, r] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map((e) => e[1]);
  }
}
