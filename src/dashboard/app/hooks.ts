// Live data for the views: list-then-watch collections (re-listing on 410 Gone, re-watching when
// the server ends a watch), single objects, and the current route.
import { useEffect, useLayoutEffect, useState } from "preact/hooks";
import { ApiError, describeError, request, streamLines } from "./api.ts";
import { apiPath, type Kind, type KubeObject } from "./kinds.ts";

export interface Collection {
  items: KubeObject[];
  error: string;
  loaded: boolean;
}

interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject & { code?: number; message?: string };
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

function sorted(map: Map<string, KubeObject>): KubeObject[] {
  return [...map.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
}

export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Keeps `map` equal to the collection at `path` until `signal` aborts; `changed` after each batch. */
export async function listAndWatch(
  path: string,
  map: Map<string, KubeObject>,
  changed: (error: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const sep = path.includes("?") ? "&" : "?";
  let rv = "";
  let relist = true;
  while (!signal.aborted) {
    try {
      if (relist) {
        const list = await request<{ metadata: { resourceVersion?: string }; items: KubeObject[] }>(path, {
          signal,
        });
        map.clear();
        for (const o of list.items) map.set(keyOf(o), o);
        rv = list.metadata.resourceVersion ?? "";
        relist = false;
        changed("");
      }
      let gone = false;
      await streamLines(
        `${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`,
        (line) => {
          if (line.trim() === "") return;
          const e = JSON.parse(line) as WatchEvent;
          if (e.type === "ERROR") {
            gone = e.object.code === 410;
            return;
          }
          rv = e.object.metadata?.resourceVersion ?? rv;
          if (e.type === "BOOKMARK") return;
          if (e.type === "DELETED") map.delete(keyOf(e.object));
          else map.set(keyOf(e.object), e.object);
          changed("");
        },
        signal,
      );
      // 410 Gone: the version is compacted away, start over from a fresh list.
      if (gone) relist = true;
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof ApiError && err.code === 410) relist = true;
      else {
        changed(describeError(err));
        // Forbidden stays forbidden; anything else may pass: try again a little later.
        await sleep(retryDelay(err), signal);
        relist = true;
      }
    }
  }
}

/** Keeps `map` equal to the collection at `path` by listing every `everyMs`. */
async function poll(
  path: string,
  map: Map<string, KubeObject>,
  changed: (error: string) => void,
  signal: AbortSignal,
  everyMs: number,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const list = await request<{ items: KubeObject[] }>(path, { signal });
      map.clear();
      for (const o of list.items) map.set(keyOf(o), o);
      changed("");
    } catch (err) {
      if (signal.aborted) return;
      changed(describeError(err));
    }
    await sleep(everyMs, signal);
  }
}

// Browsers open at most 6 HTTP/1.1 connections per server and a watch holds one for as long as
// it runs: past this many open watches (all tabs of this page's load), collections poll instead
// so that ordinary requests never queue behind streams.
const maxStreams = 4;
let openStreams = 0;

/** Takes one of the watch connections if one is free (give it back with `releaseStream`). */
export function takeStream(): boolean {
  if (openStreams >= maxStreams) return false;
  openStreams++;
  return true;
}

export function releaseStream(): void {
  openStreams--;
}

/** How long to wait after a failed request: forbidden stays forbidden for a while. */
export function retryDelay(err: unknown): number {
  return err instanceof ApiError && (err.code === 403 || err.code === 401) ? 15000 : 2000;
}

export interface CollectionOptions {
  /** Extra query (a field selector). */
  query?: string;
  /** false: refresh by listing every `pollMs` instead of watching (counts, selectors). */
  live?: boolean;
  pollMs?: number;
}

/** The live collection of kind `k` in `namespace` ("" = all). */
export function useCollection(
  k: Kind | undefined,
  namespace: string,
  options: CollectionOptions = {},
): Collection {
  const { query = "", live = true, pollMs = 10000 } = options;
  const [state, setState] = useState<Collection>({ items: [], error: "", loaded: false });
  // A layout effect: the requests go out as soon as the view is rendered, not after the browser's
  // first paint (when useEffect runs), which a fresh page under load may make wait.
  useLayoutEffect(() => {
    if (!k) return;
    setState({ items: [], error: "", loaded: false });
    const abort = new AbortController();
    const map = new Map<string, KubeObject>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let error = "";
    let loaded = false;
    const flush = () => {
      timer = undefined;
      setState({ items: sorted(map), error, loaded });
    };
    const path = apiPath(k, k.namespaced ? namespace : "") + (query ? `?${query}` : "");
    const changed = (e: string) => {
      error = e;
      // The first answer renders at once; bursts of watch events render together.
      if (!loaded) {
        loaded = true;
        flush();
      } else timer ??= setTimeout(flush, 100);
    };
    const stream = live && takeStream();
    if (stream) {
      void listAndWatch(path, map, changed, abort.signal);
    } else void poll(path, map, changed, abort.signal, live ? Math.min(pollMs, 3000) : pollMs);
    return () => {
      if (stream) releaseStream();
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [k, namespace, query, live, pollMs]);
  return state;
}

/** One object, kept current by a watch on its name. */
export function useObject(k: Kind | undefined, namespace: string, name: string): Collection {
  return useCollection(k, namespace, {
    query: `fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`,
  });
}

/** The path under /dashboard/, updated on navigation. */
export function useRoute(): string[] {
  const read = () =>
    location.pathname
      .replace(/^\/dashboard\/?/, "")
      .split("/")
      .filter(Boolean)
      .map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const update = () => setRoute(read());
    addEventListener("popstate", update);
    addEventListener("skiff:navigate", update);
    return () => {
      removeEventListener("popstate", update);
      removeEventListener("skiff:navigate", update);
    };
  }, []);
  return route;
}

export function navigate(path: string): void {
  history.pushState(null, "", `/dashboard/${path.replace(/^\//, "")}`);
  dispatchEvent(new Event("skiff:navigate"));
}
