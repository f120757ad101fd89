// Per-key exponential back-off with the kubelet's flowcontrol.Backoff semantics: restarts (and
// image pulls) wait 10 s, doubling to 5 min; an entry expires when nothing happened for twice
// the cap, so a container that ran 10 minutes before crashing starts over at 10 s.
import type { Clock } from "../clock.ts";

export interface BackOffOptions {
  clock: Clock;
  /** Default 10 s (kubelet's container restart back-off). */
  initialMs?: number;
  /** Default 5 min. */
  maxMs?: number;
}

interface Entry {
  delayMs: number;
  lastUpdate: number;
}

export class BackOff {
  private readonly entries = new Map<string, Entry>();
  private readonly initial: number;
  private readonly max: number;

  constructor(private readonly o: BackOffOptions) {
    this.initial = o.initialMs ?? 10_000;
    this.max = o.maxMs ?? 300_000;
  }

  private expired(at: number, e: Entry): boolean {
    return at - e.lastUpdate > 2 * this.max;
  }

  /** The current delay for `key` (0 when it has none). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  /** Whether an event at `eventTime` (a container's exit) is still inside the key's back-off window. */
  isInBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e)) return false;
    return this.o.clock.now() - eventTime < e.delayMs;
  }

  /** Whether the last `next()` for the key is less than its delay ago (image pulls). */
  isInBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    const now = this.o.clock.now();
    if (!e || this.expired(now, e)) return false;
    return now - e.lastUpdate < e.delayMs;
  }

  /** When the window that started at `eventTime` ends. */
  until(key: string, eventTime: number): number {
    return eventTime + this.delay(key);
  }

  /** Records an attempt now: the first (or first after expiry) sets the initial delay, later ones double it. */
  next(key: string): void {
    const now = this.o.clock.now();
    const e = this.entries.get(key);
    const delayMs = !e || this.expired(now, e) ? this.initial : Math.min(e.delayMs * 2, this.max);
    this.entries.set(key, { delayMs, lastUpdate: now });
  }

  reset(key: string): void {
    this.entries.delete(key);
  }

  /** Drops every key with this prefix (a pod's containers when the pod goes). */
  resetPrefix(prefix: string): void {
    for (const k of this.entries.keys()) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
