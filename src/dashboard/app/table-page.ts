// One page of a list as Table rows: the first page is fetched on the main thread (it is small
// and on the critical path), later ones in a Web Worker (table-worker.ts) when the browser has
// one, so their parsing never blocks input. Without a worker the same work runs here.
import { ApiError, getToken, request, tableAccept } from "./api.ts";
import { type Column, type Row, rowsOf, type TableJson } from "./rows.ts";

export interface PageRequest {
  id: number;
  path: string;
  token: string;
  columns: Column[];
  namespace: string | null;
}

export type PageReply =
  | { id: number; rows: Row[]; columns: Column[]; metadata: NonNullable<TableJson["metadata"]> }
  /** Rows ahead of the last message, which carries the rest. */
  | { id: number; partial: Row[] }
  | { id: number; error: { code: number; message: string; reason: string } };

export interface Page {
  rows: Row[];
  columns: Column[];
  metadata: NonNullable<TableJson["metadata"]>;
}

let worker: Worker | null | undefined;
let nextId = 1;

interface Waiting {
  settle(reply: PageReply): void;
  /** The same page listed on the main thread, should the worker fail. */
  fallback(): void;
}
const waiting = new Map<number, Waiting>();

/** The shared worker, started on first use; null when the browser cannot start one. */
function tableWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    const w = new Worker(new URL("./table-worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (e: MessageEvent<PageReply>) => waiting.get(e.data.id)?.settle(e.data);
    // The script did not load or run (a policy, an old browser): the main thread does the work.
    w.onerror = () => {
      w.terminate();
      worker = null;
      const pending = [...waiting.values()];
      waiting.clear();
      for (const p of pending) p.fallback();
    };
    worker = w;
  } catch {
    worker = null;
  }
  return worker;
}

/** Starts the worker ahead of its first page (its script loads while the first page is listed). */
export function prepareTableWorker(): void {
  tableWorker();
}

async function onMainThread(path: string, columns: Column[], namespace: string | null, signal: AbortSignal) {
  const t = await request<TableJson>(path, { accept: tableAccept, signal });
  const cols = t.columnDefinitions ?? columns;
  return { rows: rowsOf(t, cols, namespace), columns: cols, metadata: t.metadata ?? {} };
}

/**
 * Lists the Table page at `path`. `columns`: the list's columns so far (later pages may omit
 * them); `namespace`: the rows' namespace when they carry no metadata (see rowsOf).
 */
export function listTablePage(
  path: string,
  o: { columns: Column[]; namespace: string | null; signal: AbortSignal; offMainThread: boolean },
): Promise<Page> {
  const w = o.offMainThread ? tableWorker() : null;
  if (!w) return onMainThread(path, o.columns, o.namespace, o.signal);
  const id = nextId++;
  return new Promise<Page>((resolve, reject) => {
    const abort = () => {
      w.postMessage({ abort: id });
      waiting.delete(id);
      reject(new DOMException("aborted", "AbortError"));
    };
    if (o.signal.aborted) return abort();
    o.signal.addEventListener("abort", abort, { once: true });
    const earlier: Row[] = [];
    waiting.set(id, {
      settle: (reply) => {
        if ("partial" in reply) {
          for (const row of reply.partial) earlier.push(row);
          return;
        }
        waiting.delete(id);
        o.signal.removeEventListener("abort", abort);
        if ("rows" in reply)
          resolve({ ...reply, rows: earlier.length ? earlier.concat(reply.rows) : reply.rows });
        // Code 0: the request itself failed (network), as fetch's TypeError on the main thread.
        else if (reply.error.code === 0) reject(new Error(reply.error.message));
        else reject(new ApiError(reply.error.code, reply.error.message, reply.error.reason));
      },
      fallback: () => {
        o.signal.removeEventListener("abort", abort);
        onMainThread(path, o.columns, o.namespace, o.signal).then(resolve, reject);
      },
    });
    const request: PageRequest = { id, path, token: getToken(), columns: o.columns, namespace: o.namespace };
    w.postMessage(request);
  });
}
