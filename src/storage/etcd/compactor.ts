// Periodic compaction of etcd's history, like the apiserver's compactor: every interval,
// compact to the revision seen at the previous round (but keep at least a retained count), so
// history always spans one to two intervals and paged lists or lagging watches started within
// the last interval can still finish.
import type { StoreLogger } from "./etcd-store.ts";

export interface CompactorOptions {
  /** Time between compactions; default 300000 ms (5 min, the apiserver's default). */
  intervalMs?: number;
  /** Revisions kept behind the current one; default 1000. */
  retainRevisions?: number;
}

/** What the compactor needs from the store. */
export interface Compactable {
  currentRevision(): Promise<number>;
  compact(revision: number): Promise<void>;
}

export class Compactor {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;
  private lastCompacted = 0;
  /** The current revision at the previous round: the next round compacts up to it. */
  private previousRound = 0;
  private readonly retain: number;

  constructor(
    private readonly store: Compactable,
    private readonly logger: StoreLogger,
    options: CompactorOptions,
  ) {
    this.retain = options.retainRevisions ?? 1000;
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => {
        this.running = undefined;
      });
    }, options.intervalMs ?? 300_000);
  }

  /** One compaction round; never rejects. */
  async tick(): Promise<void> {
    try {
      const current = await this.store.currentRevision();
      const target = Math.min(current - this.retain, this.previousRound);
      this.previousRound = current;
      if (target <= this.lastCompacted) return;
      await this.store.compact(target);
      this.lastCompacted = target;
      this.logger.debug({ revision: target }, "compacted etcd history");
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "etcd compaction failed");
    }
  }

  /** Stops the timer and waits for a round in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
