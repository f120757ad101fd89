// `skiff controller-manager --kubeconfig F`: the controllers as their own process (over HTTPS),
// and the same manager started inside `skiff server` over the in-process transport.
import pino from "pino";
import type { ApiHandler } from "../apiserver/handler.ts";
import { HttpsTransport } from "../client/https-transport.ts";
import { SharedInformerFactory } from "../client/informer/factory.ts";
import { loadKubeconfig } from "../client/kubeconfig.ts";
import { RestClient } from "../client/rest.ts";
import type { Transport } from "../client/transport.ts";
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
}

/** Every controller the manager runs; other controller families register here. */
export function defaultControllers(o: DefaultControllerOptions = {}): ControllerDescriptor[] {
  return [
    replicaSetController,
    replicationControllerController,
    deploymentController,
    csrApprovingController,
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
    informerDefaults: { onError: (err) => o.logger.debug({ err }, "informer retrying") },
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

export interface ControllerManagerFlags {
  kubeconfig: string;
  context?: string;
  leaderElect: boolean;
  leaseName?: string;
}

export async function runControllerManager(flags: ControllerManagerFlags): Promise<void> {
  const logger = pino({ level: process.env.SKIFF_LOG_LEVEL ?? "info" }, pino.destination(2));
  const connection = loadKubeconfig(flags.kubeconfig, flags.context);
  const transport = new HttpsTransport({ connection, maxSockets: 64, userAgent: "skiff-controller-manager" });
  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      void manager
        .stop()
        .catch((err: unknown) => logger.error({ err }, "shutdown failed"))
        .finally(done);
    };
    const manager = startControllerManager({
      transport,
      logger,
      leaderElection: flags.leaderElect ? (flags.leaseName ? { name: flags.leaseName } : {}) : false,
      // Like kube-controller-manager: a manager that lost its Lease exits (its supervisor restarts it).
      onLostLeadership: stop,
    });
    process.stdout.write("skiff controller-manager started\n");
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}
