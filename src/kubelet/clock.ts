// Time for the kubelet: wall-clock milliseconds and one shared timer queue, so thousands of
// hollow nodes and containers wait on a single Node.js timer instead of one each.
import { MinHeap } from "../client/workqueue/heap.ts";

export interface Cancellable {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (timestamps in statuses are derived from it). */
  now(): number;
  /** Runs `fn` at or after `at` (epoch ms). */
  at(at: number, fn: () => void): Cancellable;
}

interface Entry {
  fn: () => void;
  cancelled: boolean;
}

/** The earliest entries run first; entries due at the same time run in insertion order of the heap. */
abstract class HeapClock implements Clock {
  protected readonly heap = new MinHeap<Entry>();
  abstract now(): number;
  protected abstract rearm(): void;

  at(at: number, fn: () => void): Cancellable {
    const entry: Entry = { fn, cancelled: false };
    this.heap.push(at, entry);
    this.rearm();
    return {
      cancel() {
        entry.cancelled = true;
      },
    };
  }

  /** Runs everything due by `now`; a throwing callback does not stop the others. */
  protected runDue(now: number, onError: (err: unknown) => void): void {
    for (let top = this.heap.peek(); top && top.at <= now; top = this.heap.peek()) {
      this.heap.pop();
      if (top.value.cancelled) continue;
      try {
        top.value.fn();
      } catch (err) {
        onError(err);
      }
    }
  }

  /** Entries still queued (cancelled ones included until their time comes). */
  get pending(): number {
    return this.heap.size;
  }
}

export interface TimerQueueOptions {
  /** Failures of callbacks (default: rethrown on a later tick). */
  onError?: (err: unknown) => void;
}

/** The real clock: Date.now and one setTimeout for the earliest entry. `stop()` drops everything. */
export class TimerQueue extends HeapClock {
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(private readonly options: TimerQueueOptions = {}) {
    super();
  }

  now(): number {
    return Date.now();
  }

  protected rearm(): void {
    const top = this.heap.peek();
    if (!top || this.stopped) return;
    if (this.timer && this.timerAt <= top.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = top.at;
    // Node caps timeouts at 2^31-1 ms; a far entry just re-arms when the timer fires.
    this.timer = setTimeout(() => this.fire(), Math.min(2 ** 31 - 1, Math.max(0, top.at - this.now())));
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.runDue(this.now(), (err) => {
      if (this.options.onError) this.options.onError(err);
      else
        queueMicrotask(() => {
          throw err;
        });
    });
    this.rearm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.clear();
  }
}

/** A clock for tests: time moves only with `advance`. */
export class ManualClock extends HeapClock {
  constructor(private current = Date.UTC(2025, 0, 1)) {
    super();
  }

  now(): number {
    return this.current;
  }

  protected rearm(): void {}

  /** Moves time forward, running every entry that falls due on the way, in time order. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (let top = this.heap.peek(); top && top.at <= end; top = this.heap.peek()) {
      this.current = Math.max(this.current, top.at);
      this.runDue(this.current, (err) => {
        throw err;
      });
    }
    this.current = end;
  }
}
