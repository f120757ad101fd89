// A Web Worker that lists one Table page off the main thread: fetch, JSON.parse and rowsOf of a
// large page (1,000 pods with metadata are ~2 MB of JSON) would block input for tens to hundreds
// of ms; the page gets back only the compact rows (structured clone of small strings).
import { failure, tableHeaders } from "./api.ts";
import { rowsOf, type TableJson } from "./rows.ts";
import type { PageReply, PageRequest } from "./table-page.ts";

interface WorkerScope {
  onmessage: ((e: MessageEvent<PageRequest | { abort: number }>) => void) | null;
  postMessage(reply: PageReply): void;
}
const scope = self as unknown as WorkerScope;
const aborts = new Map<number, AbortController>();
/** Rows per message: ~5 ms for the page to read on a slow machine. */
const chunkRows = 500;

async function listPage(r: PageRequest): Promise<PageReply> {
  const abort = new AbortController();
  aborts.set(r.id, abort);
  try {
    const res = await fetch(r.path, { headers: tableHeaders(r.token), signal: abort.signal });
    if (!res.ok) {
      const err = await failure(res);
      return { id: r.id, error: { code: err.code, message: err.message, reason: err.reason } };
    }
    const t = JSON.parse(await res.text()) as TableJson;
    const columns = t.columnDefinitions ?? r.columns;
    const rows = rowsOf(t, columns, r.namespace);
    // In slices: each message is its own task on the page's side (its structured clone is read
    // there), so a page of thousands of rows never blocks input for long.
    let at = 0;
    for (; at + chunkRows < rows.length; at += chunkRows)
      scope.postMessage({ id: r.id, partial: rows.slice(at, at + chunkRows) });
    return { id: r.id, rows: rows.slice(at), columns, metadata: t.metadata ?? {} };
  } catch (err) {
    return {
      id: r.id,
      error: { code: 0, message: err instanceof Error ? err.message : String(err), reason: "" },
    };
  } finally {
    aborts.delete(r.id);
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  if ("abort" in m) aborts.get(m.abort)?.abort();
  else void listPage(m).then((reply) => scope.postMessage(reply));
};
