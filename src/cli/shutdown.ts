// Stopping the in-process components of `skiff server` with a deadline: one that is slow to stop
// (the scheduler writing a backlog of up to 1,000 queued events, one request after another) must
// not keep the server from exiting on SIGTERM.
export interface StopWithinOptions {
  /** The components' stop functions by name; undefined results are components not running. */
  stops: Record<string, () => Promise<unknown> | undefined>;
  timeoutMs: number;
  /** Told the names of the components still stopping at the deadline (they are left behind). */
  onLate: (names: string[]) => void;
}

/** Stops every component at once; resolves when all have stopped or the deadline has passed. */
export async function stopWithin(options: StopWithinOptions): Promise<void> {
  const pending = new Set(Object.keys(options.stops));
  const all = Promise.allSettled(
    Object.entries(options.stops).map(async ([name, stop]) => {
      await stop();
      pending.delete(name);
    }),
  );
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), options.timeoutMs);
  });
  const outcome = await Promise.race([all, late]);
  clearTimeout(timer);
  if (outcome === "late") options.onLate([...pending]);
}
