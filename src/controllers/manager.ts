// The controller-manager: runs registered controllers while this process holds the Lease
// kube-system/skiff-controller-manager. Informers (shared by every controller) start with the first
// leadership term and keep their caches across terms; controllers stop when leadership is lost and
// start again when it is regained. Each controller acts as its own ServiceAccount (identities.ts);
// the shared informers list and watch as the manager.
import { hostname } from "node:os";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Event, ServiceAccount } from "kubernetes-types/core/v1.js";
import { ApiError } from "../api/errors.ts";
import { EventRecorder } from "../client/events.ts";
import type { SharedInformerFactory } from "../client/informer/factory.ts";
import { LeaderElector } from "../client/leaderelection.ts";
import type { RestClient } from "../client/rest.ts";
import {
  clientAs,
  controllerNamespace,
  controllerServiceAccount,
  controllerServiceAccounts,
} from "./identities.ts";
import { serviceAccountsResource } from "./serviceaccount/controller.ts";
import { eventsResource, leasesResource } from "./util/resources.ts";

/** Where controllers report; pino's Logger satisfies it. */
export interface ControllerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export const silentLogger: ControllerLogger = { info() {}, warn() {}, error() {}, debug() {} };

export interface ControllerContext {
  /** Acts as the controller's ServiceAccount when the manager uses service account credentials. */
  client: RestClient;
  informers: SharedInformerFactory;
  /** Records events as this controller (source.component = the controller's name). */
  recorder: EventRecorder;
  logger: ControllerLogger;
  /** Workers per controller (default 5, like kube-controller-manager's --concurrent-*-syncs). */
  workers: number;
  /** Aborted when the controller must stop (leadership lost or manager stopping). */
  signal: AbortSignal;
  /** Wall clock (injectable for tests). */
  now: () => Date;
}

/** Stops a running controller; resolves when its workers and timers are gone. */
export type StopController = () => Promise<void>;

export interface ControllerDescriptor {
  /** Kubernetes' name, e.g. "replicaset-controller"; also the events' source component. */
  name: string;
  /** Registers handlers on shared informers and starts workers (after the caches sync). */
  start(ctx: ControllerContext): StopController | Promise<StopController>;
}

export interface LeaderElectionOptions {
  namespace?: string;
  name?: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerManagerOptions {
  client: RestClient;
  informers: SharedInformerFactory;
  controllers: ControllerDescriptor[];
  /** Event recorder per controller name (default: one EventRecorder on `client` per controller). */
  recorderFor?: (component: string) => EventRecorder;
  /** false runs the controllers at once without a Lease (tests, single-process setups). */
  leaderElection?: LeaderElectionOptions | false;
  /** Default 5. */
  workers?: number;
  logger?: ControllerLogger;
  now?: () => Date;
  /**
   * Each controller acts as its ServiceAccount kube-system/<name> (default true, like kubeadm's
   * --use-service-account-credentials); false runs every controller as the manager.
   */
  serviceAccountCredentials?: boolean;
  /** Called when leadership is lost (kube-controller-manager exits then; default: keep campaigning). */
  onLostLeadership?: () => void;
}

export const defaultLeaseName = "skiff-controller-manager";

export class ControllerManager {
  private readonly logger: ControllerLogger;
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly clients = new Map<string, RestClient>();
  private elector: LeaderElector | undefined;
  private term: { abort: AbortController; running: Promise<StopController[]> } | undefined;
  private informersStarted = false;
  private stopped = false;

  constructor(private readonly options: ControllerManagerOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get leading(): boolean {
    return this.term !== undefined;
  }

  start(): void {
    const le = this.options.leaderElection;
    if (le === false) {
      this.startTerm();
      return;
    }
    const namespace = le?.namespace ?? "kube-system";
    const identity = le?.identity ?? `${hostname()}_${crypto.randomUUID()}`;
    this.elector = new LeaderElector({
      leases: this.options.client.resource<Lease>(leasesResource),
      namespace,
      name: le?.name ?? defaultLeaseName,
      identity,
      ...(le?.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
      ...(le?.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
      ...(le?.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
      onStartedLeading: () => {
        this.logger.info({ identity }, "became leader; starting controllers");
        this.startTerm();
      },
      onStoppedLeading: () => {
        if (!this.stopped) this.logger.warn({ identity }, "leadership lost; stopping controllers");
        void this.endTerm().then(() => {
          if (!this.stopped) this.options.onLostLeadership?.();
        });
      },
      onError: (err) => this.logger.warn({ err }, "leader election attempt failed"),
    });
    this.elector.start();
  }

  /** The client a controller acts with: its ServiceAccount's, or the manager's. */
  private clientFor(controller: string): RestClient {
    const sa =
      this.options.serviceAccountCredentials === false ? undefined : controllerServiceAccount(controller);
    if (sa === undefined) return this.options.client;
    let c = this.clients.get(controller);
    if (!c) {
      c = clientAs(this.options.client, sa, controller);
      this.clients.set(controller, c);
    }
    return c;
  }

  private recorder(component: string): EventRecorder {
    let r = this.recorders.get(component);
    if (!r) {
      r =
        this.options.recorderFor?.(component) ??
        new EventRecorder({
          events: this.clientFor(component).resource<Event>(eventsResource),
          component,
          onError: (err) => this.logger.debug({ err, component }, "event not recorded"),
        });
      this.recorders.set(component, r);
    }
    return r;
  }

  /** Creates the controllers' ServiceAccounts, as upstream's client builder does (best effort). */
  private async ensureServiceAccounts(): Promise<void> {
    if (this.options.serviceAccountCredentials === false) return;
    const accounts = this.options.client.resource<ServiceAccount>(serviceAccountsResource);
    const wanted = new Set(
      this.options.controllers.map((c) => controllerServiceAccount(c.name)).filter((n) => n !== undefined),
    );
    for (const name of controllerServiceAccounts().filter((n) => wanted.has(n))) {
      try {
        await accounts.create(
          { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: controllerNamespace } },
          { namespace: controllerNamespace },
        );
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 409))
          this.logger.debug({ err, serviceAccount: name }, "controller service account not created");
      }
    }
  }

  private startTerm(): void {
    if (this.term || this.stopped) return;
    const abort = new AbortController();
    const running = (async (): Promise<StopController[]> => {
      const stops: StopController[] = [];
      await this.ensureServiceAccounts();
      for (const c of this.options.controllers) {
        if (abort.signal.aborted) break;
        try {
          stops.push(
            await c.start({
              client: this.clientFor(c.name),
              informers: this.options.informers,
              recorder: this.recorder(c.name),
              logger: this.logger,
              workers: this.options.workers ?? 5,
              signal: abort.signal,
              now: this.options.now ?? (() => new Date()),
            }),
          );
        } catch (err) {
          this.logger.error({ err, controller: c.name }, "controller failed to start");
        }
      }
      // Controllers registered their informers above; starting them after avoids a second list.
      if (!this.informersStarted) {
        this.informersStarted = true;
        this.options.informers.start();
      }
      return stops;
    })();
    this.term = { abort, running };
  }

  private async endTerm(): Promise<void> {
    const term = this.term;
    if (!term) return;
    this.term = undefined;
    term.abort.abort();
    const stops = await term.running;
    await Promise.all(
      stops.map((s) => s().catch((err: unknown) => this.logger.warn({ err }, "stop failed"))),
    );
  }

  /** Stops the controllers, releases the Lease, stops the informers and flushes events. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.endTerm();
    await this.elector?.stop();
    await this.options.informers.stop();
    await Promise.all([...this.recorders.values()].map((r) => r.stop()));
  }
}
