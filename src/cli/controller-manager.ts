// `skiff controller-manager --kubeconfig F`: the controllers as their own process (over HTTPS),
// and the same manager started inside `skiff server` over the in-process transport.
import type { Command } from "commander";
import pino from "pino";
import type { ApiHandler } from "../apiserver/handler.ts";
import { HttpsTransport } from "../client/https-transport.ts";
import { SharedInformerFactory } from "../client/informer/factory.ts";
import { dropManagedFields } from "../client/informer/informer.ts";
import { loadKubeconfig } from "../client/kubeconfig.ts";
import { RestClient } from "../client/rest.ts";
import type { Transport } from "../client/transport.ts";
import { tokenCleanerController } from "../controllers/bootstrap/cleaner.ts";
import { bootstrapSignerController } from "../controllers/bootstrap/signer.ts";
import { csrApprovingController } from "../controllers/certificates/controller.ts";
import { cronJobController } from "../controllers/cronjob/controller.ts";
import { daemonSetController } from "../controllers/daemonset/controller.ts";
import { deploymentController } from "../controllers/deployment/controller.ts";
import { disruptionController } from "../controllers/disruption/controller.ts";
import { jobController } from "../controllers/job/controller.ts";
import { ttlAfterFinishedController } from "../controllers/job/ttl.ts";
import { lifecycleControllers } from "../controllers/lifecycle-controllers.ts";
import {
  type ControllerDescriptor,
  type ControllerLogger,
  ControllerManager,
  type LeaderElectionOptions,
} from "../controllers/manager.ts";
import { nodeLifecycleControllerDescriptor } from "../controllers/nodelifecycle/controller.ts";
import { nodeIpamControllerDescriptor } from "../controllers/nodelifecycle/ipam.ts";
import { taintEvictionController } from "../controllers/nodelifecycle/taint-manager.ts";
import { horizontalPodAutoscalerController } from "../controllers/podautoscaler/controller.ts";
import {
  replicaSetController,
  replicationControllerController,
} from "../controllers/replicaset/controller.ts";
import { resourceQuotaController } from "../controllers/resourcequota/controller.ts";
import { serviceLoadBalancerController } from "../controllers/servicelb/controller.ts";
import { statefulSetController } from "../controllers/statefulset/controller.ts";
import { persistentVolumeBinderController } from "../controllers/volume/binder.ts";
import { localPathProvisionerDescriptor } from "../controllers/volume/provisioner.ts";
import { InProcessTransport } from "./inprocess-transport.ts";
import { startMetricsListener } from "./metrics-listener.ts";
import { UsageError } from "./usage.ts";

/** Settings of controllers that take flags (kube-controller-manager's --node-monitor-grace-period, ...). */
export interface DefaultControllerOptions {
  /** --node-monitor-grace-period (default 40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** --node-monitor-period (default 5 s). */
  nodeMonitorPeriodMs?: number;
  /** --cluster-cidr, for node pod CIDRs (default 10.42.0.0/16). */
  clusterCidr?: string;
  /** The server's data dir: the local-path provisioner keeps volumes in <dataDir>/storage. */
  dataDir?: string;
  /** --horizontal-pod-autoscaler-sync-period (default 15 s). */
  hpaSyncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (default 5 min). */
  hpaDownscaleStabilizationMs?: number;
}

/** Every controller the manager runs; other controller families register here. */
export function defaultControllers(o: DefaultControllerOptions = {}): ControllerDescriptor[] {
  return [
    replicaSetController,
    replicationControllerController,
    deploymentController,
    csrApprovingController,
    bootstrapSignerController,
    tokenCleanerController,
    daemonSetController,
    jobController,
    ttlAfterFinishedController,
    cronJobController,
    ...lifecycleControllers(),
    nodeLifecycleControllerDescriptor({
      ...(o.nodeMonitorGracePeriodMs !== undefined ? { gracePeriodMs: o.nodeMonitorGracePeriodMs } : {}),
      ...(o.nodeMonitorPeriodMs !== undefined ? { monitorPeriodMs: o.nodeMonitorPeriodMs } : {}),
    }),
    taintEvictionController,
    disruptionController,
    statefulSetController,
    persistentVolumeBinderController,
    resourceQuotaController,
    horizontalPodAutoscalerController({
      ...(o.hpaSyncPeriodMs !== undefined ? { syncPeriodMs: o.hpaSyncPeriodMs } : {}),
      ...(o.hpaDownscaleStabilizationMs !== undefined
        ? { downscaleStabilizationMs: o.hpaDownscaleStabilizationMs }
        : {}),
    }),
    serviceLoadBalancerController,
    ...(o.dataDir !== undefined ? [localPathProvisionerDescriptor({ dataDir: o.dataDir })] : []),
    nodeIpamControllerDescriptor(o.clusterCidr !== undefined ? { clusterCidr: o.clusterCidr } : {}),
  ];
}

export interface StartControllerManagerOptions {
  transport: Transport;
  logger: ControllerLogger;
  leaderElection?: LeaderElectionOptions | false;
  controllers?: ControllerDescriptor[];
  onLostLeadership?: () => void;
}

export function startControllerManager(o: StartControllerManagerOptions): ControllerManager {
  const client = new RestClient({ transport: o.transport, userAgent: "skiff-controller-manager" });
  const informers = new SharedInformerFactory({
    client,
    informerDefaults: {
      onError: (err) => o.logger.debug({ err }, "informer retrying"),
      transform: dropManagedFields,
    },
  });
  const manager = new ControllerManager({
    client,
    informers,
    controllers: o.controllers ?? defaultControllers(),
    logger: o.logger,
    ...(o.leaderElection !== undefined ? { leaderElection: o.leaderElection } : {}),
    ...(o.onLostLeadership ? { onLostLeadership: o.onLostLeadership } : {}),
  });
  manager.start();
  const stop = manager.stop.bind(manager);
  // The transport belongs to this manager: closing it ends every watch left.
  manager.stop = async () => {
    await stop();
    client.close();
  };
  return manager;
}

/** The manager inside `skiff server`, authenticated as kube-controller-manager in-process. */
/** `extra`: controllers that need what only the server has (the CSR signer needs the CA key). */
export function startInProcessControllerManager(
  handler: ApiHandler,
  logger: ControllerLogger,
  controllerOptions: DefaultControllerOptions = {},
  extra: ControllerDescriptor[] = [],
): ControllerManager {
  const transport = new InProcessTransport({
    handler,
    user: { name: "system:kube-controller-manager", groups: ["system:masters", "system:authenticated"] },
  });
  return startControllerManager({
    transport,
    logger,
    controllers: [...defaultControllers(controllerOptions), ...extra],
  });
}

/** Flags of the autoscaler, shared by `skiff controller-manager` and `skiff server`. */
export interface HpaFlags {
  horizontalPodAutoscalerSyncPeriod?: string;
  horizontalPodAutoscalerDownscaleStabilization?: string;
}

export function addHpaOptions(cmd: Command): Command {
  return cmd
    .option("--horizontal-pod-autoscaler-sync-period <duration>", "how often autoscalers are synced", "15s")
    .option(
      "--horizontal-pod-autoscaler-downscale-stabilization <duration>",
      "how far back the autoscaler looks for a higher recommendation before scaling down",
      "5m0s",
    );
}

/** A Go duration flag ("15s", "5m0s", "1m30s", "500ms") in milliseconds. */
export function parseDurationFlag(flag: string, text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  if (text !== "0" && !/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(text)) {
    throw new UsageError(`invalid --${flag} "${text}": want a duration such as 15s, 5m0s or 1m30s`);
  }
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) ms += Number(m[1]) * (units[m[2] ?? ""] ?? 0);
  return ms;
}

export function hpaControllerOptions(flags: HpaFlags): DefaultControllerOptions {
  const sync = flags.horizontalPodAutoscalerSyncPeriod;
  const down = flags.horizontalPodAutoscalerDownscaleStabilization;
  const syncMs =
    sync !== undefined ? parseDurationFlag("horizontal-pod-autoscaler-sync-period", sync) : undefined;
  if (syncMs !== undefined && syncMs <= 0) {
    throw new UsageError("--horizontal-pod-autoscaler-sync-period must be greater than zero");
  }
  return {
    ...(syncMs !== undefined ? { hpaSyncPeriodMs: syncMs } : {}),
    ...(down !== undefined
      ? {
          hpaDownscaleStabilizationMs: parseDurationFlag(
            "horizontal-pod-autoscaler-downscale-stabilization",
            down,
          ),
        }
      : {}),
  };
}

export interface ControllerManagerFlags extends HpaFlags {
  kubeconfig: string;
  context?: string;
  leaderElect: boolean;
  leaseName?: string;
  metricsBindAddress?: string;
}

export async function runControllerManager(flags: ControllerManagerFlags): Promise<void> {
  const controllers = defaultControllers(hpaControllerOptions(flags));
  const logger = pino({ level: process.env.SKIFF_LOG_LEVEL ?? "info" }, pino.destination(2));
  const connection = loadKubeconfig(flags.kubeconfig, flags.context);
  const transport = new HttpsTransport({ connection, maxSockets: 64, userAgent: "skiff-controller-manager" });
  const metrics = await startMetricsListener(flags.metricsBindAddress, (line) =>
    process.stdout.write(`skiff controller-manager: ${line}\n`),
  );
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void manager
        .stop()
        .catch((err: unknown) => logger.error({ err }, "shutdown failed"))
        .then(() => metrics?.close())
        .finally(done);
    };
    const manager = startControllerManager({
      transport,
      logger,
      leaderElection: flags.leaderElect ? (flags.leaseName ? { name: flags.leaseName } : {}) : false,
      controllers,
      // Like kube-controller-manager: a manager that lost its Lease exits (its supervisor restarts it).
      onLostLeadership: stop,
    });
    process.stdout.write("skiff controller-manager started\n");
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
