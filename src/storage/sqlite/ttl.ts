// TTL expiry: one timer armed for the earliest expiry in `current`. When it fires, expired keys
// are deleted through the writer (normal delete events, new revisions) and the timer re-arms.
// Expiries are wall-clock times in the database, so they survive restarts.
import type { Queries } from "./queries.ts";
import type { WriteOp, WriteResult } from "./writer.ts";

/** Keys deleted per firing; the timer re-arms at once if more are due. */
const EXPIRE_BATCH = 1000;
/** setTimeout's maximum delay; a later expiry just re-arms when this fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

export class ExpiryTimer {
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private running = false;
  private stopped = false;

  constructor(
    private readonly q: Queries,
    private readonly submit: (op: WriteOp) => Promise<WriteResult>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Schedules a sweep at `at` (ms since epoch) unless one is already due earlier. */
  arm(at: number): void {
    if (this.stopped || this.running || at >= this.armedAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.min(Math.max(at - Date.now(), 0), MAX_DELAY_MS));
    this.timer.unref();
  }

  /** Arms for the earliest expiry recorded in the database. */
  armFromDatabase(): void {
    const next = this.q.nextExpiry.get();
    if (next !== null && next !== undefined) this.arm(next);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    this.running = true;
    const now = Date.now();
    const keys = this.q.expiredKeys.all(now, EXPIRE_BATCH);
    // Each expire op re-checks the expiry inside the write transaction, so a key updated
    // meanwhile (new TTL or none) is left alone.
    void Promise.all(keys.map((key) => this.submit({ kind: "expire", key, now })))
      .catch((err: unknown) => this.onError(err))
      .finally(() => {
        this.running = false;
        if (!this.stopped) this.armFromDatabase();
      });
  }
}
