// Compaction: deletes history no watch or list may need any more, then keeps the files small
// (WAL truncated by a checkpoint, free pages returned by incremental vacuum).
import { InvalidRequestError } from "../store.ts";
import type { Queries } from "./queries.ts";
import type { SqliteDatabase } from "./schema.ts";
import type { RevisionState } from "./writer.ts";

/**
 * Revisions compacted per transaction by automatic compaction; the event loop (and writes) run
 * between chunks, so compaction adds a few milliseconds of latency, not a long stall.
 */
const CHUNK = 2000;
/** Under steady writes, files are shrunk every this many intervals (and whenever writes pause). */
const SHRINK_EVERY = 10;
/**
 * Free pages kept for the next writes to reuse, as a share of the pages in use; beyond it pages
 * go back to the filesystem, so after churn the file stays close to the size of what it holds.
 */
const KEEP_FREE_FRACTION = 1 / 16;

export interface CompactionOptions {
  /** How often automatic compaction runs; default 1000 ms. */
  intervalMs?: number;
  /** Revisions of history always kept behind the current one; default 1000. */
  retainRevisions?: number;
  /**
   * History younger than this is kept too (default 300000 ms, like kine's and the apiserver's
   * 5-minute compaction), so paged lists and lagging watches survive bursts of writes.
   */
  retainMs?: number;
  /** Caps what retainMs keeps, bounding the file under sustained writes; default 100000. */
  maxRetainRevisions?: number;
}

/** The compaction target: the older of the count and the time windows, within the cap. */
export function compactionTarget(
  revision: number,
  revisionAtWindowStart: number,
  options: { retainRevisions: number; maxRetainRevisions: number },
): number {
  const byCount = revision - options.retainRevisions;
  const target = Math.min(byCount, revisionAtWindowStart);
  return Math.max(target, revision - Math.max(options.maxRetainRevisions, options.retainRevisions));
}

export class Compactor {
  private timer: NodeJS.Timeout | undefined;
  private checkpointedAt = -1;
  private stopped = false;
  /** A chunked automatic round is in progress. */
  private running = false;
  private ticksSinceShrink = 0;
  private revisionAtLastTick = -1;
  /** (time, revision) at past ticks, oldest first: where the retainMs window starts. */
  private samples: { at: number; revision: number }[] = [];

  constructor(
    private readonly db: SqliteDatabase,
    private readonly q: Queries,
    private readonly state: RevisionState,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * Discards history older than `revision`: a row goes when a later write older than
   * `revision` superseded it, and deletion markers go; so the latest value of every key as of
   * revision - 1 stays. Compacting at or below the current compact revision is a no-op.
   */
  compact(revision: number): void {
    if (!Number.isInteger(revision) || revision < 0) {
      throw new InvalidRequestError(`invalid compact revision ${revision}`);
    }
    if (revision > this.state.revision) {
      throw new InvalidRequestError(
        `compact revision ${revision} is in the future (current revision ${this.state.revision})`,
      );
    }
    const from = this.state.compactRevision;
    if (revision <= from) return;
    // Rows superseded before `from` went in earlier compactions: only writes in [from, revision)
    // can supersede more, which keeps each step proportional to the new history.
    // Compaction need not be durable on its own (after a crash it simply runs again); the
    // connection commits without fsync and the next write's WAL sync covers these frames.
    this.db
      .transaction(() => {
        this.q.deleteSuperseded.run(from, revision);
        this.q.deleteTombstones.run(from, revision);
        this.q.setMeta.run("compact_revision", revision);
      })
      .immediate();
    this.state.compactRevision = revision;
  }

  /** Starts periodic compaction keeping `retainRevisions` of history. */
  start(options: CompactionOptions): void {
    const intervalMs = options.intervalMs ?? 1000;
    const windows = {
      retainRevisions: options.retainRevisions ?? 1000,
      maxRetainRevisions: options.maxRetainRevisions ?? 100_000,
    };
    const retainMs = options.retainMs ?? 300_000;
    this.timer = setInterval(() => {
      const revision = this.state.revision;
      const start = this.windowStart(Date.now(), revision, retainMs);
      this.tick(compactionTarget(revision, start, windows));
    }, intervalMs);
    this.timer.unref();
  }

  /** Records this tick's revision; returns the newest revision recorded at least retainMs ago. */
  private windowStart(now: number, revision: number, retainMs: number): number {
    this.samples.push({ at: now, revision });
    let start = 0;
    let drop = 0;
    for (const s of this.samples) {
      if (now - s.at < retainMs) break;
      start = s.revision;
      drop++;
    }
    // Keep the newest sample old enough: it still marks the window's start next time.
    if (drop > 1) this.samples = this.samples.slice(drop - 1);
    return retainMs <= 0 ? revision : start;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One automatic round: compact up to `target` in chunks, then maybe shrink. */
  private tick(target: number): void {
    if (this.running || this.stopped) return;
    // Writes paused since the last tick: a good moment to give space back.
    const idle = this.state.revision === this.revisionAtLastTick;
    this.revisionAtLastTick = this.state.revision;
    this.running = true;
    const next = () => {
      try {
        if (this.stopped) return;
        if (target > this.state.compactRevision) {
          this.compact(Math.min(target, this.state.compactRevision + CHUNK));
          if (target > this.state.compactRevision) {
            setImmediate(next);
            return;
          }
        }
        if (idle || ++this.ticksSinceShrink >= SHRINK_EVERY) {
          this.shrink();
          this.ticksSinceShrink = 0;
        }
      } catch (err) {
        this.onError(err);
      }
      this.running = false;
    };
    next();
  }

  /** Returns free pages beyond a reserve to the filesystem and truncates the WAL. */
  shrink(): void {
    if (this.checkpointedAt === this.state.revision) return;
    const free = this.db.pragma("freelist_count", { simple: true }) as number;
    const pages = this.db.pragma("page_count", { simple: true }) as number;
    const keep = Math.floor((pages - free) * KEEP_FREE_FRACTION);
    if (free > keep) this.db.pragma(`incremental_vacuum(${free - keep})`);
    // TRUNCATE rather than relying on autocheckpoint: the WAL file otherwise stays at its
    // high-water mark, which can exceed the live data of a small cluster.
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.checkpointedAt = this.state.revision;
  }
}
