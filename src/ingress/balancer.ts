// Round-robin choice among a backend's ready endpoints, skipping for a short time those that
// refused a connection (passive health checking, like nginx's max_fails/fail_timeout).
import type { Target } from "./backends.ts";

export interface BalancerOptions {
  /** How long an endpoint that refused a connection is skipped (default 5 s). */
  cooldownMs?: number;
  now?: () => number;
}

export function targetKey(t: Target): string {
  return t.host.includes(":") ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

export class Balancer {
  private readonly next = new Map<string, number>();
  private readonly downUntil = new Map<string, number>();
  private readonly cooldownMs: number;
  private readonly now: () => number;

  constructor(options: BalancerOptions = {}) {
    this.cooldownMs = options.cooldownMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /**
   * The next endpoint of `backendId` after the last one chosen, skipping `exclude` and endpoints
   * in their cool-down; when every endpoint is cooling down, one of them is tried anyway (a
   * possibly-down endpoint beats a certain 503).
   */
  pick(backendId: string, targets: readonly Target[], exclude?: string): Target | undefined {
    const n = targets.length;
    if (n === 0) return undefined;
    const start = (this.next.get(backendId) ?? 0) % n;
    const now = this.now();
    let fallback: number | undefined;
    for (let i = 0; i < n; i++) {
      const at = (start + i) % n;
      const t = targets[at] as Target;
      const k = targetKey(t);
      if (k === exclude) continue;
      if ((this.downUntil.get(k) ?? 0) > now) {
        fallback ??= at;
        continue;
      }
      this.next.set(backendId, at + 1);
      return t;
    }
    if (fallback === undefined) return undefined;
    this.next.set(backendId, fallback + 1);
    return targets[fallback];
  }

  markDown(t: Target): void {
    this.downUntil.set(targetKey(t), this.now() + this.cooldownMs);
  }

  markUp(t: Target): void {
    this.downUntil.delete(targetKey(t));
  }

  isDown(t: Target): boolean {
    return (this.downUntil.get(targetKey(t)) ?? 0) > this.now();
  }

  /** Forgets state of backends and endpoints no longer in use (called on table swaps). */
  retain(backendIds: ReadonlySet<string>, targetKeys: ReadonlySet<string>): void {
    for (const id of this.next.keys()) if (!backendIds.has(id)) this.next.delete(id);
    for (const k of this.downUntil.keys()) if (!targetKeys.has(k)) this.downUntil.delete(k);
  }
}
