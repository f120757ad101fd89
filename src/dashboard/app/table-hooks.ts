// Live lists as server-side Tables: paged lists (limit/continue) rendered page by page, then a
// watch from the list's resourceVersion. "Lean" lists ask for rows without metadata (about a
// tenth of the bytes of whole objects); the watch always carries metadata, to key its events.
import { useLayoutEffect, useState } from "preact/hooks";
import { ApiError, describeError, streamLines, tableAccept } from "./api.ts";
import { releaseStream, retryDelay, sleep, takeStream } from "./hooks.ts";
import { apiPath, type Kind } from "./kinds.ts";
import { type Column, type Row, RowSet, rowsOf, type TableJson } from "./rows.ts";
import { listTablePage, prepareTableWorker } from "./table-page.ts";

export interface Rows {
  rows: Row[];
  columns: Column[];
  error: string;
  /** The first page arrived. */
  loaded: boolean;
  /** Every page arrived. */
  complete: boolean;
  /** How many rows the list has: counted once complete, else the loaded ones plus the server's remainingItemCount. */
  total: number;
}

// Rows per list request: the first page renders while the next ones are on their way. Lean rows
// are ~0.2 kB (1,000 pods in one ~200 kB page); rows with metadata ~2 kB (managedFields), so their
// first page is one screen (a list view's 100 rows, with the total from remainingItemCount) and
// the rest follows in larger pages.
const pageSize = { lean: 5000, metadata: 1000, firstMetadata: 100 };

interface Source {
  path: string;
  /** Where rows without metadata belong: null when listing a namespaced kind across namespaces. */
  namespace: string | null;
  columns: Column[];
}

/** Resolves after the next frame (or 50 ms, when no frames come: a hidden tab). */
function afterPaint(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timeout);
      cancelAnimationFrame(frame);
      signal.removeEventListener("abort", done);
      setTimeout(resolve);
    };
    const timeout = setTimeout(done, 50);
    const frame = requestAnimationFrame(done);
    signal.addEventListener("abort", done);
  });
}

/**
 * Lists every page into `set`, calling `page` after each with the rows still to come (0 when
 * complete); returns the list's resourceVersion.
 */
async function listPages(
  src: Source,
  lean: boolean,
  set: RowSet,
  page: (remaining: number) => void,
  signal: AbortSignal,
): Promise<string> {
  let token = "";
  let rv = "";
  do {
    const size = lean ? pageSize.lean : token ? pageSize.metadata : pageSize.firstMetadata;
    const q = new URLSearchParams({ limit: String(size), includeObject: lean ? "None" : "Metadata" });
    if (token) q.set("continue", token);
    // The first page is small and awaited by the user; later ones are parsed off the main thread.
    const first = token === "";
    if (first && !lean) prepareTableWorker();
    const t = await listTablePage(`${src.path}?${q}`, {
      columns: src.columns,
      namespace: src.namespace,
      signal,
      offMainThread: !first,
    });
    src.columns = t.columns;
    for (const row of t.rows) set.listed(row);
    // Every page of one list is read at the first page's revision.
    rv ||= t.metadata.resourceVersion ?? "";
    token = t.metadata.continue ?? "";
    // Without a count from the server, at least one more row is coming.
    page(token === "" ? 0 : Math.max(1, t.metadata.remainingItemCount ?? 1));
    // Let this page reach the screen before the next (larger) one takes the main thread.
    if (token) await afterPaint(signal);
  } while (token);
  return rv;
}

interface TableEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: TableJson & { code?: number };
}

/** Applies the watch from `rv` to `set` until it ends; returns where it got to (or "" when gone). */
async function watchRows(
  src: Source,
  rv: string,
  set: RowSet,
  changed: () => void,
  signal: AbortSignal,
): Promise<string> {
  const q = new URLSearchParams({
    watch: "1",
    allowWatchBookmarks: "true",
    includeObject: "Metadata",
    resourceVersion: rv,
  });
  // Stops reading when an event cannot be matched to a listed row (see RowSet).
  const own = new AbortController();
  const stop = () => own.abort();
  signal.addEventListener("abort", stop);
  let at = rv;
  try {
    await streamLines(
      `${src.path}?${q}`,
      (line) => {
        if (line.trim() === "" || own.signal.aborted) return;
        const e = JSON.parse(line) as TableEvent;
        if (e.type === "ERROR") {
          if (e.object.code === 410) at = "";
          return;
        }
        if (e.type === "BOOKMARK") {
          at = e.object.metadata?.resourceVersion ?? at;
          return;
        }
        if (e.object.columnDefinitions) src.columns = e.object.columnDefinitions;
        for (const row of rowsOf(e.object, src.columns, "")) {
          at = row.resourceVersion || at;
          set.apply(e.type, row);
        }
        if (set.ambiguous) own.abort();
        else changed();
      },
      own.signal,
      tableAccept,
    );
  } catch (err) {
    if (!own.signal.aborted || signal.aborted) throw err;
  } finally {
    signal.removeEventListener("abort", stop);
  }
  return set.ambiguous ? "" : at;
}

/** `remaining`: rows of the list not loaded yet (0: complete). */
type Publish = (set: RowSet, columns: Column[], error: string, remaining: number) => void;

/** Keeps `set` equal to the collection: list, then watch; list again when the watch is gone. */
async function listAndWatchRows(src: Source, lean: boolean, publish: Publish, signal: AbortSignal) {
  const set = new RowSet();
  let rv = "";
  while (!signal.aborted) {
    try {
      if (rv === "") {
        // Rows listed without metadata could not be told apart: list them with it this time.
        if (set.ambiguous) lean = false;
        set.clear();
        rv = await listPages(src, lean, set, (remaining) => publish(set, src.columns, "", remaining), signal);
      }
      rv = await watchRows(src, rv, set, () => publish(set, src.columns, "", 0), signal);
    } catch (err) {
      if (signal.aborted) return;
      rv = "";
      if (!(err instanceof ApiError && err.code === 410)) {
        publish(set, src.columns, describeError(err), 0);
        await sleep(retryDelay(err), signal);
      }
    }
  }
}

/** Keeps the collection by listing every `everyMs` (each round replaces the last whole). */
async function pollRows(src: Source, lean: boolean, publish: Publish, signal: AbortSignal, everyMs: number) {
  while (!signal.aborted) {
    try {
      const set = new RowSet();
      await listPages(src, lean, set, () => undefined, signal);
      publish(set, src.columns, "", 0);
    } catch (err) {
      if (signal.aborted) return;
      publish(new RowSet(), src.columns, describeError(err), 0);
    }
    await sleep(everyMs, signal);
  }
}

export interface RowsOptions {
  /** Rows without metadata in the list (counts, health): names only, no namespace or uid. */
  lean?: boolean;
  /** false: list every `pollMs` instead of watching. */
  live?: boolean;
  pollMs?: number;
}

/** The live Table of kind `k` in `namespace` ("" = all). */
export function useRows(k: Kind | undefined, namespace: string, options: RowsOptions = {}): Rows {
  const { lean = false, live = true, pollMs = 10000 } = options;
  const empty: Rows = { rows: [], columns: [], error: "", loaded: false, complete: false, total: 0 };
  const [state, setState] = useState<Rows>(empty);
  // A layout effect: the requests go out as soon as the view is rendered, not after the browser's
  // first paint (when useEffect runs), which a fresh page under load may make wait.
  useLayoutEffect(() => {
    if (!k) return;
    setState(empty);
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let latest: () => Rows = () => empty;
    let settled = false;
    const flush = () => {
      timer = undefined;
      setState(latest());
    };
    const publish: Publish = (set, columns, error, remaining) => {
      const complete = remaining === 0;
      latest = () => {
        const rows = set.rows();
        return { rows, columns, error, loaded: true, complete, total: rows.length + remaining };
      };
      // The first list renders page by page; later changes (watch events) render in batches.
      if (settled) timer ??= setTimeout(flush, 100);
      else {
        settled = complete;
        flush();
      }
    };
    const src: Source = {
      path: apiPath(k, k.namespaced ? namespace : ""),
      namespace: k.namespaced ? (namespace === "" ? null : namespace) : "",
      columns: [],
    };
    const stream = live && takeStream();
    if (stream) void listAndWatchRows(src, lean, publish, abort.signal);
    else void pollRows(src, lean, publish, abort.signal, live ? Math.min(pollMs, 3000) : pollMs);
    return () => {
      if (stream) releaseStream();
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [k, namespace, lean, live, pollMs]);
  return state;
}
