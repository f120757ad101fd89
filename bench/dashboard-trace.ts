// The page's main thread in a Chromium trace (bench/dashboard.ts): its tasks' CPU time (tdur)
// and wall time (dur), the longest, and what each task over 50 ms of CPU did.

/** Main-thread tasks of the page's renderer from a Chromium trace: wall (dur) and CPU (tdur) ms. */
interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; [key: string]: unknown };
}

export function mainThreadFigures(trace: Buffer) {
  const parsed = JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const mains = new Set(
    events
      .filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")
      .map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.ph !== "X" || !mains.has(key)) continue;
    const list = byThread.get(key);
    if (list) list.push(e);
    else byThread.set(key, [e]);
  }
  const isTask = (e: TraceEvent) => e.name === "ThreadControllerImpl::RunTask";
  const sum = (xs: TraceEvent[], f: (e: TraceEvent) => number | undefined) =>
    xs.reduce((n, e) => n + (f(e) ?? 0), 0);
  // The page's renderer: its main thread's events name the dashboard's URLs (headless Chromium
  // also runs WebUI renderers of its own, which work at every load).
  const pageThread = [...byThread.entries()].find(([, xs]) =>
    xs.some((e) => e.args !== undefined && JSON.stringify(e.args).includes("/dashboard/")),
  );
  const thread = pageThread?.[1] ?? [];
  const page = thread.filter(isTask);
  const ms = (us: number) => Math.round(us / 100) / 10;
  const longest = [...page].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0))[0];
  /** What a task did: the CPU ms of the trace events inside it, by name (nested ones counted too). */
  const parts = (task: TraceEvent) => {
    const end = task.ts + (task.dur ?? 0);
    const by = new Map<string, number>();
    for (const e of thread)
      if (e !== task && !isTask(e) && e.ts >= task.ts && e.ts < end)
        by.set(e.name, (by.get(e.name) ?? 0) + (e.tdur ?? 0));
    return [...by]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([name, us]) => `${name} ${ms(us)}`)
      .join(", ");
  };
  return {
    mainThreadCpuMs: ms(sum(page, (e) => e.tdur)),
    mainThreadTaskMs: ms(sum(page, (e) => e.dur)),
    longestTaskCpuMs: ms(longest?.tdur ?? 0),
    longestTaskMs: ms(longest?.dur ?? 0),
    // Tasks that took over 50 ms of CPU: long tasks even on an idle machine, and what they did.
    cpuLongTasks: page
      .filter((e) => (e.tdur ?? 0) > 50_000)
      .map((e) => ({ cpuMs: ms(e.tdur ?? 0), ms: ms(e.dur ?? 0), parts: parts(e) })),
  };
}
