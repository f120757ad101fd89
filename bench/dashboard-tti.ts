// Time to interactive in the page (bench/dashboard.ts): when a view's content is painted, the
// page's long tasks, and the quiet window that ends a measurement.
import type { Page } from "playwright-core";

/**
 * What a view shows once it is meaningful: the number in `count` is at least `n` and, when given,
 * `row` exists. Polled in requestAnimationFrame callbacks, so the first time it holds is the frame
 * that paints it; that time is kept in the page as `mark` (performance.now()).
 */
export interface Shown {
  count: string;
  n: number;
  row?: string;
  /** Or: `gone` no longer exists (a list's "loading…" mark). */
  gone?: string;
  mark: string;
}

export function shown(page: Page, s: Shown): Promise<unknown> {
  // A function, not a string: the dashboard's Content-Security-Policy forbids eval.
  return page.waitForFunction(
    (s) => {
      const g = globalThis as unknown as {
        document: { querySelector(s: string): { textContent: string | null } | null };
        performance: { now(): number };
      } & Record<string, number | undefined>;
      const doc = g.document;
      const ok =
        s.gone !== undefined
          ? doc.querySelector(s.gone) === null
          : Number(doc.querySelector(s.count)?.textContent) >= s.n &&
            (s.row === undefined || doc.querySelector(s.row) !== null);
      if (ok) g[s.mark] ??= g.performance.now();
      return ok;
    },
    s,
    { timeout: 60_000, polling: "raf" },
  );
}

/**
 * Records the page's long tasks (main-thread tasks over 50 ms) from the start of the document
 * (an init script runs before the page's own, and CDP-injected scripts are not subject to CSP).
 */
export const longTaskRecorder = `globalThis.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) globalThis.__longTasks.push([e.startTime, e.startTime + e.duration]);
}).observe({ type: "longtask", buffered: true });`;

/**
 * Time to interactive, as this bench defines it (Lighthouse's definition without its network
 * rule, since a live view keeps its watches open by design): the page is interactive once its
 * first meaningful content is painted and its main thread is free for input, i.e.
 * TTI = max(content painted, end of the last long task (> 50 ms) before a quiet window of
 * `quietMs` without long tasks). The quiet window starts only once the view has finished the
 * work its load started (every page of a list), so late work cannot escape the measure.
 */
export const quietMs = 5000;

export async function waitQuiet(
  page: Page,
): Promise<{ contentMs: number; completeMs: number; longTasks: number[][] }> {
  await page.waitForFunction(
    (quietMs) => {
      const g = globalThis as unknown as {
        __longTasks: number[][];
        __complete: number;
        performance: { now(): number };
      };
      const lastEnd = Math.max(g.__complete, ...g.__longTasks.map((t) => t[1] ?? 0));
      return g.performance.now() - lastEnd >= quietMs;
    },
    quietMs,
    { timeout: 120_000, polling: 250 },
  );
  return page.evaluate(() => {
    const g = globalThis as unknown as { __longTasks: number[][]; __content: number; __complete: number };
    return { contentMs: g.__content, completeMs: g.__complete, longTasks: g.__longTasks };
  });
}
