// Watches: events are pushed in-process right after each commit. A watch from a past revision
// first replays history from the database in chunks, then turns live in the same synchronous
// step in which it read the last committed revision, so there is no gap and no duplicate.
import {
  CompactedError,
  prefixEnd,
  type StoreError,
  type WatchEvent,
  type Watcher,
  type WatchListener,
} from "../store.ts";
import { type HistoryRow, prevKeyValue, type Queries, toKeyValue } from "./queries.ts";
import type { RevisionState } from "./writer.ts";

/** Rows read per replay step; between steps the event loop (and commits) may run. */
const REPLAY_CHUNK = 1000;

interface Entry {
  prefix: string;
  end: string;
  listener: WatchListener;
  /** Every event with revision <= delivered has been delivered (or did not match). */
  delivered: number;
  live: boolean;
  closed: boolean;
}

export class WatchHub {
  private readonly entries = new Set<Entry>();

  constructor(
    private readonly q: Queries,
    private readonly state: RevisionState,
    private readonly onListenerError: (err: unknown) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  watch(prefix: string, fromRevision: number, listener: WatchListener): Watcher {
    const entry: Entry = {
      prefix,
      end: prefixEnd(prefix),
      listener,
      delivered: fromRevision,
      live: false,
      closed: false,
    };
    this.entries.add(entry);
    // Nothing to replay: live at once (a watch from a future revision waits for it).
    if (fromRevision >= this.state.revision) entry.live = true;
    // Otherwise replay (or fail) asynchronously, so no listener call happens before the
    // caller holds the Watcher.
    else setImmediate(() => this.replay(entry));
    return {
      close: () => {
        entry.closed = true;
        this.entries.delete(entry);
      },
    };
  }

  /** Delivers a committed batch (in revision order) to every live watcher. */
  publish(events: WatchEvent[]): void {
    if (events.length === 0) return;
    const last = revisionOf(events[events.length - 1]!);
    for (const entry of this.entries) {
      if (!entry.live) continue;
      const matched = events.filter(
        (ev) =>
          revisionOf(ev) > entry.delivered &&
          (ev.type === "put" ? ev.kv.key : ev.key).startsWith(entry.prefix),
      );
      entry.delivered = Math.max(entry.delivered, last);
      if (matched.length > 0) this.deliver(entry, matched);
    }
  }

  /** Ends every watch with `error` (e.g. StoreClosedError). */
  closeAll(error: StoreError): void {
    const entries = [...this.entries];
    this.entries.clear();
    for (const entry of entries) this.fail(entry, error);
  }

  private replay(entry: Entry): void {
    if (entry.closed) return;
    if (entry.delivered + 1 < this.state.compactRevision) {
      this.entries.delete(entry);
      this.fail(entry, new CompactedError(entry.delivered, this.state.compactRevision));
      return;
    }
    const upTo = this.state.revision;
    const rows = this.q.history.all(entry.delivered, upTo, entry.prefix, entry.end, REPLAY_CHUNK);
    const caughtUp = rows.length < REPLAY_CHUNK;
    entry.delivered = caughtUp ? Math.max(entry.delivered, upTo) : rows[rows.length - 1]!.revision;
    // Going live here, in the same synchronous step as the read above, is what makes the hand-over
    // exact: every commit so far is in `rows`, every later one reaches publish().
    if (caughtUp) entry.live = true;
    if (rows.length > 0) this.deliver(entry, rows.map(toEvent));
    if (!caughtUp && !entry.closed) setImmediate(() => this.replay(entry));
  }

  private deliver(entry: Entry, events: WatchEvent[]): void {
    if (entry.closed) return;
    try {
      entry.listener.onEvents(events);
    } catch (err) {
      this.onListenerError(err);
    }
  }

  private fail(entry: Entry, error: StoreError): void {
    if (entry.closed) return;
    entry.closed = true;
    try {
      entry.listener.onError(error);
    } catch (err) {
      this.onListenerError(err);
    }
  }
}

function revisionOf(ev: WatchEvent): number {
  return ev.type === "put" ? ev.kv.modRevision : ev.revision;
}

function toEvent(row: HistoryRow): WatchEvent {
  const prevKv = prevKeyValue(row);
  if (row.value === null) {
    // A deletion always supersedes a row, which compaction keeps while this event is reachable.
    return { type: "delete", revision: row.revision, key: row.key, prevKv: prevKv ?? toKeyValue(row) };
  }
  const kv = toKeyValue(row);
  return prevKv ? { type: "put", kv, prevKv } : { type: "put", kv };
}
