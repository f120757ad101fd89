// Runs a Scheduler under Lease-based leader election (kube-system/kube-scheduler, as upstream)
// so several servers can share one cluster with a single active scheduler; or directly.
import { hostname } from "node:os";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { LeaderElector } from "../client/leaderelection.ts";
import { leasesResource } from "./coords.ts";
import { Scheduler, type SchedulerOptions } from "./scheduler.ts";

export interface RunSchedulerOptions extends SchedulerOptions {
  /** Default true: only the holder of the kube-scheduler Lease schedules. */
  leaderElect?: boolean;
  /** Default hostname + random suffix. */
  identity?: string;
  /** Leader election timings (defaults 15 s / 10 s / 2 s). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Called each time this process starts scheduling (after caches synced). */
  onStarted?: (scheduler: Scheduler) => void;
}

export interface RunningScheduler {
  /** The active scheduler while leading, else undefined. */
  current(): Scheduler | undefined;
  stop(): Promise<void>;
}

export function runScheduler(options: RunSchedulerOptions): RunningScheduler {
  let active: Scheduler | undefined;
  let starting: Promise<void> = Promise.resolve();
  const log = options.logger;
  const begin = (): void => {
    const s = new Scheduler(options);
    active = s;
    starting = s.start().then(
      () => options.onStarted?.(s),
      (err: unknown) => log?.warn({ err }, "scheduler failed to start"),
    );
  };
  const end = async (): Promise<void> => {
    const s = active;
    active = undefined;
    await starting;
    await s?.stop();
  };
  if (options.leaderElect === false) {
    begin();
    return { current: () => active, stop: end };
  }
  let stopping: Promise<void> = Promise.resolve();
  const elector = new LeaderElector({
    leases: options.client.resource<Lease>(leasesResource),
    namespace: "kube-system",
    name:
      options.schedulerName && options.schedulerName !== "default-scheduler"
        ? options.schedulerName
        : "kube-scheduler",
    identity: options.identity ?? `${hostname()}_${Math.random().toString(36).slice(2, 10)}`,
    ...(options.leaseDurationMs ? { leaseDurationMs: options.leaseDurationMs } : {}),
    ...(options.renewDeadlineMs ? { renewDeadlineMs: options.renewDeadlineMs } : {}),
    ...(options.retryPeriodMs ? { retryPeriodMs: options.retryPeriodMs } : {}),
    onStartedLeading: () => begin(),
    onStoppedLeading: () => {
      stopping = end();
    },
    onError: (err) => log?.warn({ err }, "leader election"),
  });
  elector.start();
  return {
    current: () => active,
    stop: async () => {
      await elector.stop();
      await stopping;
      await end();
    },
  };
}
