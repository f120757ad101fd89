// Process and Node.js runtime series (client_golang's process collector names, prom-client's
// nodejs_* names), read at scrape time; the event loop lag histogram samples continuously.
import { readdirSync, readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Sample } from "./callback.ts";
import type { Registry } from "./registry.ts";

const startTimeSeconds = (Date.now() - performance.now()) / 1000;

function one(value: number): Sample[] {
  return [{ labels: [], value }];
}

function openFds(): number {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return Number.NaN;
  }
}

function maxFds(): number {
  try {
    const m = /^Max open files\s+(\d+)/m.exec(readFileSync("/proc/self/limits", "utf8"));
    return m ? Number(m[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const registered = new WeakSet<Registry>();

/**
 * Adds the process collector to a registry once. The event loop delay monitor samples every
 * 20 ms on an unref'd timer, so it keeps no process alive.
 */
export function registerProcessMetrics(registry: Registry): void {
  if (registered.has(registry)) return;
  registered.add(registry);
  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  const gauge = (name: string, help: string, f: () => number) =>
    registry.callback({ name, help, type: "gauge" }).add(() => one(f()));
  registry
    .callback({
      name: "process_cpu_seconds_total",
      help: "Total user and system CPU time spent in seconds.",
      type: "counter",
    })
    .add(() => {
      const u = process.cpuUsage();
      return one((u.user + u.system) / 1e6);
    });
  gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () => process.memoryUsage.rss());
  gauge(
    "process_start_time_seconds",
    "Start time of the process since unix epoch in seconds.",
    () => startTimeSeconds,
  );
  gauge("process_open_fds", "Number of open file descriptors.", openFds);
  gauge("process_max_fds", "Maximum number of open file descriptors.", maxFds);
  gauge(
    "nodejs_heap_size_used_bytes",
    "Process heap size used from Node.js in bytes.",
    () => process.memoryUsage().heapUsed,
  );
  gauge(
    "nodejs_heap_size_total_bytes",
    "Process heap size from Node.js in bytes.",
    () => process.memoryUsage().heapTotal,
  );
  gauge(
    "nodejs_external_memory_bytes",
    "Node.js external memory size in bytes.",
    () => process.memoryUsage().external,
  );
  // Nanoseconds from the histogram; seconds in the series, as prom-client names them.
  gauge("nodejs_eventloop_lag_mean_seconds", "The mean of the recorded event loop delays.", () =>
    loop.count > 0 ? loop.mean / 1e9 : 0,
  );
  gauge("nodejs_eventloop_lag_p99_seconds", "The 99th percentile of the recorded event loop delays.", () =>
    loop.count > 0 ? loop.percentile(99) / 1e9 : 0,
  );
  gauge("nodejs_eventloop_lag_max_seconds", "The maximum recorded event loop delay.", () =>
    loop.count > 0 ? loop.max / 1e9 : 0,
  );
  gauge(
    "nodejs_active_handles_total",
    "Number of active libuv handles.",
    () => process.getActiveResourcesInfo().length,
  );
}
