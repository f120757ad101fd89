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
    return { id: r.id, rows: rowsOf(t, columns, r.namespace), columns, metadata: t.metadata ?? {} };
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
