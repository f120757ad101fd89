// WATCH: chunked newline-delimited JSON events written as they happen; initial ADDED events
// for resourceVersion ""/"0"; selector transitions (entering = ADDED, leaving = DELETED);
// bookmarks; timeoutSeconds; 410 Expired as an ERROR event; Table events for `get -w`.
import { toStatus } from "../../api/errors.ts";
import { groupVersion, type KubeObject } from "../../api/object.ts";
import { parseFieldSelector } from "../../api/selector/field.ts";
import { wantsMetadata, wantsTable } from "../http/negotiate.ts";
import { jsonType } from "../http/respond.ts";
import { watchEventCounter } from "../monitoring/requests.ts";
import type { RestContext } from "./context.ts";
import { encodedMatcher, objectMatcher, parseListQuery } from "./listoptions.ts";
import { jsonOf, partialMetadata, withTypeMeta } from "./respond.ts";
import type { SourceEvent } from "./source.ts";
import { parseIncludeObject, toTable } from "./table.ts";

type WatchType = "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";

const defaultTimeoutSeconds = 1800;
const bookmarkIntervalMs = 60_000;

export async function watchObjects(ctx: RestContext): Promise<void> {
  const { def, info, res } = ctx;
  const q = parseListQuery(def, ctx.query);
  if (info.name !== "") {
    // GET .../pods/NAME?watch=true watches one object.
    const byName = parseFieldSelector(`metadata.name=${info.name.replace(/[\\,=!]/g, "\\$&")}`);
    // The given selector, captured: q.fieldSelector is replaced below.
    const given = q.fieldSelector;
    q.fieldSelector = {
      requirements: [...given.requirements, ...byName.requirements],
      empty: false,
      matches: (v) => given.matches(v) && byName.matches(v),
    };
  }
  const match = objectMatcher(def, q);
  // Without selectors every event is sent as it is, and the previous state is never looked at.
  const everything = q.labelSelector.empty && q.fieldSelector.empty;
  const namespace = def.namespaced ? info.namespace : "";
  const table = wantsTable(ctx.req);
  const metadataOnly = !table && wantsMetadata(ctx.req) !== undefined;
  const include = table ? parseIncludeObject(ctx.query) : "Metadata";
  let sentColumns = false;
  let lastRevision = 0;

  // Byte for byte JSON.stringify({ type, object }), with the object's JSON shared by every watcher
  // and LIST that sends the same cached object.
  const encode = (type: WatchType, object: unknown): string =>
    `{"type":${JSON.stringify(type)},"object":${jsonOf(object)}}\n`;
  const render = (obj: KubeObject): unknown => {
    withTypeMeta(def, obj);
    if (metadataOnly) return partialMetadata(obj);
    if (!table) return obj;
    const t = toTable(def, [obj], { include, now: ctx.deps.now() });
    if (sentColumns) delete t.columnDefinitions;
    sentColumns = true;
    return t;
  };

  // Resolve the starting point before committing to a 200 so bad requests still get a Status.
  let initial: KubeObject[] = [];
  /** Initial events already in served JSON (from the watch cache). */
  let initialJson: string[] = [];
  let fromRevision: number;
  if (q.resourceVersion === "" || q.resourceVersion === "0") {
    const options = namespace ? { namespace } : {};
    const encoded = table || metadataOnly ? undefined : await ctx.deps.source.listEncoded?.(def, options);
    if (encoded) {
      const matches = encodedMatcher(q);
      initialJson = encoded.items.filter(matches).map((item) => item.json);
      fromRevision = encoded.revision;
    } else {
      const page = await ctx.deps.source.list(def, options);
      initial = page.items.filter(match);
      fromRevision = page.revision;
    }
  } else {
    fromRevision = Number(q.resourceVersion);
  }
  lastRevision = fromRevision;

  res.writeHead(200, { "Content-Type": jsonType, "Cache-Control": "no-cache, private" });
  const sent = watchEventCounter(def.group, def.version, def.resource);
  for (const obj of initial) res.write(encode("ADDED", render(obj)));
  for (const json of initialJson) res.write(`{"type":"ADDED","object":${json}}\n`);
  sent.inc(initial.length + initialJson.length);

  await new Promise<void>((resolve) => {
    let done = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (): void => {
      if (done) return;
      done = true;
      watcher.close();
      for (const t of timers) clearTimeout(t);
      ctx.deps.shutdown.removeEventListener("abort", finish);
      if (!res.closed) res.end();
      resolve();
    };
    const bookmark = (): void => {
      if (done || !q.allowWatchBookmarks) return;
      res.write(
        encode("BOOKMARK", {
          kind: def.kind,
          apiVersion: groupVersion(def.group, def.version),
          metadata: { resourceVersion: String(lastRevision) },
        }),
      );
    };
    const onEvent = (e: SourceEvent): void => {
      lastRevision = e.revision;
      let type: WatchType | undefined;
      const now = everything || match(e.object);
      const before = () => (e.oldObject ? match(e.oldObject) : false);
      if (everything) type = e.type;
      else if (e.type === "ADDED") type = now ? "ADDED" : undefined;
      else if (e.type === "DELETED") type = now ? "DELETED" : undefined;
      else if (now) type = before() ? "MODIFIED" : "ADDED";
      else if (before()) type = "DELETED";
      if (type) {
        res.write(encode(type, render(e.object)));
        sent.inc();
      }
    };
    const watcher = ctx.deps.source.watch(
      def,
      { ...(namespace ? { namespace } : {}), fromRevision },
      {
        onEvents: (events) => {
          if (done) return;
          for (const e of events) onEvent(e);
        },
        onError: (err) => {
          if (done) return;
          res.write(encode("ERROR", toStatus(err)));
          finish();
        },
        onProgress: (revision) => {
          lastRevision = Math.max(lastRevision, revision);
        },
      },
    );
    const timeout =
      q.timeoutSeconds ?? defaultTimeoutSeconds + Math.floor(Math.random() * defaultTimeoutSeconds);
    timers.push(setTimeout(finish, timeout * 1000));
    if (q.allowWatchBookmarks) {
      const tick = (): void => {
        bookmark();
        timers.push(setTimeout(tick, bookmarkIntervalMs));
      };
      timers.push(setTimeout(tick, Math.min(bookmarkIntervalMs, Math.max(1, timeout - 1) * 1000)));
    }
    res.onClose(finish);
    if (ctx.deps.shutdown.aborted) finish();
    else ctx.deps.shutdown.addEventListener("abort", finish);
  });
}
