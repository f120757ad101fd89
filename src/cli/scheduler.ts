// `skiff scheduler --kubeconfig F`: the scheduler alone, as an API client over HTTPS; and the
// embedded form `skiff server` starts on its in-process transport.
import pino from "pino";
import type { ApiHandler } from "../apiserver/handler.ts";
import { HttpsTransport } from "../client/https-transport.ts";
import { loadKubeconfig } from "../client/kubeconfig.ts";
import { RestClient } from "../client/rest.ts";
import { type RunningScheduler, runScheduler } from "../scheduler/run.ts";
import { InProcessTransport } from "./inprocess-transport.ts";
import { startMetricsListener } from "./metrics-listener.ts";

export interface SchedulerFlags {
  kubeconfig: string;
  schedulerName: string;
  leaderElect: boolean;
  metricsBindAddress?: string;
}

export async function runSchedulerCommand(flags: SchedulerFlags): Promise<void> {
  const logger = pino({ level: process.env.SKIFF_LOG_LEVEL ?? "warn" }, pino.destination(2));
  const client = new RestClient({
    transport: new HttpsTransport({
      connection: loadKubeconfig(flags.kubeconfig),
      maxSockets: 64,
      userAgent: "skiff-scheduler",
    }),
  });
  const metrics = await startMetricsListener(flags.metricsBindAddress, (line) =>
    process.stdout.write(`skiff scheduler: ${line}\n`),
  );
  const running = runScheduler({
    client,
    schedulerName: flags.schedulerName,
    leaderElect: flags.leaderElect,
    logger,
    onStarted: () => process.stdout.write(`skiff scheduler running (${flags.schedulerName})\n`),
  });
  await new Promise<void>((done) => {
    const stop = (): void => {
      void running
        .stop()
        .catch((err: unknown) => logger.error({ err }, "scheduler shutdown failed"))
        .finally(() => {
          client.close();
          void metrics?.close();
          done();
        });
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}

/**
 * The scheduler inside `skiff server` (and bench/scheduler's default mode): the in-process
 * transport, no socket or TLS, authenticated as system:kube-scheduler so the bootstrap ClusterRole
 * of that name grants it least privilege; leader election as in the standalone command.
 */
export function startEmbeddedScheduler(options: {
  handler: ApiHandler;
  logger?: pino.Logger;
  leaderElect?: boolean;
  onStarted?: () => void;
}): { stop(): Promise<void> } {
  const transport = new InProcessTransport({
    handler: options.handler,
    user: { name: "system:kube-scheduler", groups: ["system:authenticated"] },
  });
  const client = new RestClient({ transport });
  const running: RunningScheduler = runScheduler({
    client,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.leaderElect !== undefined ? { leaderElect: options.leaderElect } : {}),
    ...(options.onStarted ? { onStarted: options.onStarted } : {}),
  });
  return {
    stop: async () => {
      await running.stop();
      client.close();
    },
  };
}
