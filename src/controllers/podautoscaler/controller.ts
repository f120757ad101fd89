// The HorizontalPodAutoscaler controller: an HPA informer feeds a workqueue; every HPA is synced
// once per sync period (--horizontal-pod-autoscaler-sync-period), reading pods from the shared pod
// informer and usage from metrics.k8s.io, and writing scale, status and events as its own identity.
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { parseLabelSelector } from "../../api/selector/label.ts";
import { EventRecorder } from "../../client/events.ts";
import { namespaceIndex, objectKey } from "../../client/informer/indexer.ts";
import type { ResourceCoords } from "../../client/paths.ts";
import { RestClient } from "../../client/rest.ts";
import type { ControllerDescriptor } from "../manager.ts";
import { startQueueController } from "../util/queue-controller.ts";
import { eventsResource, podsResource } from "../util/resources.ts";
import { hpaServiceAccountUser, ImpersonatingTransport } from "./identity.ts";
import { type ResourceMetricsClient, RestResourceMetricsClient } from "./metrics.ts";
import { ScaleHistory } from "./normalize.ts";
import { reconcileAutoscaler } from "./reconcile.ts";
import { defaultCalculatorOptions } from "./replicas.ts";
import { ScaleClient } from "./scale.ts";

export const horizontalPodAutoscalersResource: ResourceCoords = {
  group: "autoscaling",
  version: "v2",
  resource: "horizontalpodautoscalers",
  namespaced: true,
  kind: "HorizontalPodAutoscaler",
};

export interface HpaControllerOptions {
  /** --horizontal-pod-autoscaler-sync-period (default 15 s). */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (default 5 min). */
  downscaleStabilizationMs?: number;
  /** --horizontal-pod-autoscaler-tolerance (default 0.1). */
  tolerance?: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (default 5 min). */
  cpuInitializationPeriodMs?: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (default 30 s). */
  initialReadinessDelayMs?: number;
  /** Where usage comes from (default metrics.k8s.io through the controller's client). */
  metrics?: (client: RestClient) => ResourceMetricsClient;
  /** User the controller impersonates (default the horizontal-pod-autoscaler service account); false acts as the manager. */
  identity?: string | false;
}

export const defaultSyncPeriodMs = 15_000;
export const defaultDownscaleStabilizationMs = 300_000;

export function horizontalPodAutoscalerController(o: HpaControllerOptions = {}): ControllerDescriptor {
  const name = "horizontal-pod-autoscaler";
  return {
    name,
    start(ctx) {
      const syncPeriodMs = o.syncPeriodMs ?? defaultSyncPeriodMs;
      const identity = o.identity ?? hpaServiceAccountUser;
      const client =
        identity === false
          ? ctx.client
          : new RestClient({
              transport: new ImpersonatingTransport(ctx.client.transport, identity),
              userAgent: name,
            });
      const hpas = ctx.informers.informerFor<HorizontalPodAutoscaler>(horizontalPodAutoscalersResource);
      const pods = ctx.informers.informerFor<Pod>(podsResource);
      const hpaClient = client.resource<HorizontalPodAutoscaler>(horizontalPodAutoscalersResource);
      const recorder = new EventRecorder({
        events: client.resource<Event>(eventsResource),
        component: name,
        now: ctx.now,
        onError: (err) => ctx.logger.debug({ err, controller: name }, "event not recorded"),
      });
      const history = new ScaleHistory(o.downscaleStabilizationMs ?? defaultDownscaleStabilizationMs);
      const deps = {
        metrics: (o.metrics ?? ((c: RestClient) => new RestResourceMetricsClient(c)))(client),
        pods: (namespace: string, selector: string) => {
          const sel = parseLabelSelector(selector);
          return pods.indexer
            .byIndex(namespaceIndex, namespace)
            .filter((p) => sel.matches(p.metadata?.labels));
        },
        calculator: {
          tolerance: o.tolerance ?? defaultCalculatorOptions.tolerance,
          cpuInitializationPeriodMs:
            o.cpuInitializationPeriodMs ?? defaultCalculatorOptions.cpuInitializationPeriodMs,
          delayOfInitialReadinessStatusMs:
            o.initialReadinessDelayMs ?? defaultCalculatorOptions.delayOfInitialReadinessStatusMs,
          get now() {
            return ctx.now();
          },
        },
        scales: new ScaleClient(client, Math.max(syncPeriodMs, 10_000)),
        history,
        updateStatus: (hpa: HorizontalPodAutoscaler) => hpaClient.updateStatus(hpa),
        event: (hpa: HorizontalPodAutoscaler, type: "Normal" | "Warning", reason: string, message: string) =>
          recorder.event(hpa, type, reason, message),
        now: ctx.now,
      };
      let requeue: (key: string) => void = () => {};
      const stop = startQueueController({
        ctx,
        name,
        informers: [hpas, pods],
        register: (queue) => {
          requeue = (key) => queue.addAfter(key, syncPeriodMs);
          return [
            hpas.addEventHandler({
              // A new HPA is synced at once (upstream waits a period); changes wait for the next
              // period, so the controller's own status writes never trigger an early resync.
              onAdd: (h) => queue.add(objectKey(h)),
              onUpdate: (_, h) => requeue(objectKey(h)),
            }),
          ];
        },
        sync: async (key) => {
          const hpa = hpas.indexer.get(key);
          if (!hpa) {
            history.forget(key);
            return;
          }
          try {
            await reconcileAutoscaler(deps, hpa, key);
          } catch (err) {
            ctx.logger.warn({ err, key, controller: name }, "horizontal pod autoscaler sync failed");
          } finally {
            if (hpas.indexer.get(key)) requeue(key);
          }
        },
      });
      return async () => {
        await stop();
        await recorder.stop();
      };
    },
  };
}
