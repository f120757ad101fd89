// The autoscaler on a real in-process API server, with usage fed through its metrics interface:
// scale-up, stabilized scale-down, status, conditions, events, and a target without scale.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Deployment, StatefulSet } from "kubernetes-types/apps/v1.js";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2.js";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { eventually } from "../../../test/client/gated-transport.ts";
import { type ClientFixture, startApi } from "../../../test/client/support.ts";
import { statefulSetsResource } from "../disruption/controller.ts";
import type { ControllerManager } from "../manager.ts";
import { runControllers } from "../replicaset/testing.ts";
import { deploymentsResource, eventsResource, podsResource } from "../util/resources.ts";
import { horizontalPodAutoscalerController, horizontalPodAutoscalersResource } from "./controller.ts";
import type { PodMetricsInfo, ResourceMetricsClient } from "./metrics.ts";

/** Usage by pod name in millicores, changed by the test. */
class FiguresMetricsClient implements ResourceMetricsClient {
  readonly cpu = new Map<string, number>();
  async getResourceMetric() {
    if (this.cpu.size === 0) throw new Error("no metrics returned from resource metrics API");
    const metrics: PodMetricsInfo = new Map();
    for (const [name, value] of this.cpu)
      metrics.set(name, { value, timestamp: new Date(), windowMs: 15_000 });
    return { metrics, timestamp: new Date() };
  }
}

const ns = "default";
const labels = { app: "web" };

async function runningPod(f: ClientFixture, name: string): Promise<void> {
  const pods = f.client.resource<Pod>(podsResource);
  const created = await pods.create({
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: "app", image: "busybox", resources: { requests: { cpu: "500m" } } }] },
  });
  const at = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  await pods.updateStatus({
    ...created,
    status: {
      phase: "Running",
      startTime: at,
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: at }],
    },
  });
}

function hpa(
  name: string,
  target: { kind: string; name: string; apiVersion: string },
): HorizontalPodAutoscaler {
  return {
    metadata: { name, namespace: ns },
    spec: {
      scaleTargetRef: target,
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ],
    },
  };
}

describe("horizontal pod autoscaler controller", () => {
  let f: ClientFixture | undefined;
  let manager: ControllerManager | undefined;
  afterEach(async () => {
    await manager?.stop();
    await f?.close();
    manager = undefined;
    f = undefined;
  });

  it("scales a deployment up under load and down after the stabilization window", async () => {
    f = await startApi();
    const fx = f;
    const figures = new FiguresMetricsClient();
    await fx.client.resource<Deployment>(deploymentsResource).create({
      metadata: { name: "web", namespace: ns },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "busybox" }] } },
      },
    });
    await runningPod(fx, "web-a");
    await runningPod(fx, "web-b");
    const hpas = fx.client.resource<HorizontalPodAutoscaler>(horizontalPodAutoscalersResource);
    await hpas.create(hpa("web", { apiVersion: "apps/v1", kind: "Deployment", name: "web" }));
    manager = runControllers(fx.client, [
      horizontalPodAutoscalerController({
        syncPeriodMs: 100,
        downscaleStabilizationMs: 1500,
        metrics: () => figures,
      }),
    ]);
    const replicas = async () =>
      (await fx.client.resource<Deployment>(deploymentsResource).get("web", { namespace: ns })).spec
        ?.replicas;
    const get = () => hpas.get("web", { namespace: ns });

    // No metrics yet: ScalingActive False with upstream's reason; nothing scaled.
    await eventually(async () => {
      const c = (await get()).status?.conditions?.find((x) => x.type === "ScalingActive");
      assert.equal(c?.reason, "FailedGetResourceMetric", "ScalingActive reason");
    });
    assert.equal(await replicas(), 2);

    // 500m of 500m requested = 100% against 50%: 2 x 2 = 4.
    figures.cpu.set("web-a", 500).set("web-b", 500);
    await eventually(async () => assert.equal(await replicas(), 4, "scaled up"));
    await eventually(async () => {
      const s = (await get()).status;
      assert.equal(s?.desiredReplicas, 4, "desiredReplicas");
      assert.deepEqual(s?.currentMetrics, [
        {
          type: "Resource",
          resource: { name: "cpu", current: { averageUtilization: 100, averageValue: "500m" } },
        },
      ]);
      assert.ok(s?.lastScaleTime, "lastScaleTime");
      const byType = Object.fromEntries((s?.conditions ?? []).map((c) => [c.type, [c.status, c.reason]]));
      assert.deepEqual(byType.ScalingActive, ["True", "ValidMetricFound"]);
    });
    await eventually(async () => {
      const events = await fx.client.resource<Event>(eventsResource).list({ namespace: ns });
      const rescale = events.items.find((e) => e.reason === "SuccessfulRescale");
      assert.equal(
        rescale?.message,
        "New size: 4; reason: cpu resource utilization (percentage of request) above target",
      );
      assert.equal(rescale?.source?.component, "horizontal-pod-autoscaler");
      assert.ok(
        events.items.some((e) => e.reason === "FailedGetResourceMetric"),
        "FailedGetResourceMetric event",
      );
    });

    // Load gone: 10%. The 1.5 s window holds the higher recommendation first, then 1 replica.
    figures.cpu.set("web-a", 50).set("web-b", 50);
    await eventually(async () => {
      const able = (await get()).status?.conditions?.find((c) => c.type === "AbleToScale");
      assert.equal(able?.reason, "ScaleDownStabilized", "stabilized first");
    });
    assert.equal(await replicas(), 4);
    await eventually(async () => assert.equal(await replicas(), 1, "scaled down"));
    await eventually(async () => {
      const items = (await fx.client.resource<Event>(eventsResource).list({ namespace: ns })).items;
      const down = items.find((e) => e.message === "New size: 1; reason: All metrics below target");
      assert.ok(down, "scale-down event");
    });
  });

  it("scales any kind with a scale subresource: a StatefulSet", async () => {
    f = await startApi();
    const fx = f;
    const figures = new FiguresMetricsClient();
    const sets = fx.client.resource<StatefulSet>(statefulSetsResource);
    await sets.create({
      metadata: { name: "db", namespace: ns },
      spec: {
        replicas: 1,
        serviceName: "db",
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: "app", image: "busybox" }] } },
      },
    });
    await runningPod(fx, "db-0");
    figures.cpu.set("db-0", 400);
    const hpas = fx.client.resource<HorizontalPodAutoscaler>(horizontalPodAutoscalersResource);
    await hpas.create(hpa("db", { apiVersion: "apps/v1", kind: "StatefulSet", name: "db" }));
    manager = runControllers(fx.client, [
      horizontalPodAutoscalerController({ syncPeriodMs: 100, metrics: () => figures }),
    ]);
    // 400m of 500m = 80% against 50%: ceil(1.6) = 2.
    await eventually(async () => {
      const set = await sets.get("db", { namespace: ns });
      assert.equal(set.spec?.replicas, 2, "statefulset scaled");
    });
  });

  it("reports a target it cannot scale", async () => {
    f = await startApi();
    const fx = f;
    const hpas = fx.client.resource<HorizontalPodAutoscaler>(horizontalPodAutoscalersResource);
    await hpas.create(hpa("ghost", { apiVersion: "apps/v1", kind: "Deployment", name: "missing" }));
    await hpas.create(hpa("odd", { apiVersion: "apps/v1", kind: "Gadget", name: "x" }));
    manager = runControllers(fx.client, [
      horizontalPodAutoscalerController({ syncPeriodMs: 100, metrics: () => new FiguresMetricsClient() }),
    ]);
    await eventually(async () => {
      const able = (await hpas.get("ghost", { namespace: ns })).status?.conditions?.find(
        (c) => c.type === "AbleToScale",
      );
      assert.deepEqual([able?.status, able?.reason], ["False", "FailedGetScale"]);
      assert.match(able?.message ?? "", /^the HPA controller was unable to get the target's current scale: /);
      const odd = (await hpas.get("odd", { namespace: ns })).status?.conditions?.[0];
      assert.equal(
        odd?.message,
        `the HPA controller was unable to get the target's current scale: no matches for kind "Gadget" in group "apps"`,
      );
    });
  });
});
