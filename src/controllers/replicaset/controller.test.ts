// ReplicaSet and ReplicationController controllers on a real in-process API server (SQLite):
// pods created to the desired count with owner references, replaced when deleted, adopted and
// released by selector, scaled down least-valuable first, and status counts kept.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Event, Pod, ReplicationController } from "kubernetes-types/core/v1.js";
import { eventually } from "../../../test/client/gated-transport.ts";
import { type ClientFixture, startApi } from "../../../test/client/support.ts";
import type { ControllerManager } from "../manager.ts";
import {
  eventsResource,
  podsResource,
  replicaSetsResource,
  replicationControllersResource,
} from "../util/resources.ts";
import { replicaSetController, replicationControllerController } from "./controller.ts";
import { runControllers, setPodReady } from "./testing.ts";

const template = {
  metadata: { labels: { app: "web" } },
  spec: { containers: [{ name: "c", image: "nginx:1.25" }] },
};

function rs(name: string, replicas: number, extra: Partial<ReplicaSet["spec"]> = {}): ReplicaSet {
  return {
    metadata: { name, namespace: "default" },
    spec: { replicas, selector: { matchLabels: { app: "web" } }, template, ...extra },
  };
}

describe("ReplicaSetController", () => {
  let f: ClientFixture | undefined;
  let m: ControllerManager | undefined;
  afterEach(async () => {
    await m?.stop();
    await f?.close();
    m = undefined;
    f = undefined;
  });

  async function setup(): Promise<ClientFixture> {
    f = await startApi();
    m = runControllers(f.client, [replicaSetController, replicationControllerController]);
    return f;
  }

  const activePods = async (fx: ClientFixture): Promise<Pod[]> =>
    (await fx.client.resource<Pod>(podsResource).list({ namespace: "default" })).items.filter(
      (p) => p.metadata?.deletionTimestamp === undefined,
    );

  it("creates replicas with controller references, replaces a deleted pod and reports status", async () => {
    const fx = await setup();
    const sets = fx.client.resource<ReplicaSet>(replicaSetsResource);
    const created = await sets.create(rs("web", 3));
    await eventually(async () => assert.equal((await activePods(fx)).length, 3));
    const pods = await activePods(fx);
    for (const p of pods) {
      assert.match(p.metadata?.name ?? "", /^web-[a-z0-9]{5}$/);
      assert.deepEqual(p.metadata?.ownerReferences, [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: "web",
          uid: created.metadata?.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      assert.equal(p.spec?.containers[0]?.image, "nginx:1.25");
    }
    const first = pods[0] as Pod;
    await fx.client
      .resource<Pod>(podsResource)
      .delete(first.metadata?.name ?? "", { namespace: "default", gracePeriodSeconds: 0 });
    await eventually(async () => {
      const now = await activePods(fx);
      assert.equal(now.length, 3);
      assert.ok(!now.some((p) => p.metadata?.name === first.metadata?.name));
    });
    for (const p of await activePods(fx)) await setPodReady(fx.client, p, true);
    await eventually(async () => {
      const s = (await sets.get("web", { namespace: "default" })).status;
      assert.deepEqual(
        [s?.replicas, s?.readyReplicas, s?.availableReplicas, s?.fullyLabeledReplicas, s?.observedGeneration],
        [3, 3, 3, 3, 1],
      );
    });
    await eventually(async () => {
      const events = await fx.client.resource<Event>(eventsResource).list({ namespace: "default" });
      const reasons = events.items.filter((e) => e.involvedObject.name === "web").map((e) => e.reason);
      assert.ok(reasons.includes("SuccessfulCreate"));
      assert.equal(
        events.items.find((e) => e.reason === "SuccessfulCreate")?.source?.component,
        "replicaset-controller",
      );
    });
  });

  it("adopts a matching orphan, releases a pod whose labels stop matching", async () => {
    const fx = await setup();
    const podsClient = fx.client.resource<Pod>(podsResource);
    await podsClient.create({
      metadata: { name: "orphan", namespace: "default", labels: { app: "web" } },
      spec: template.spec,
    });
    const created = await fx.client.resource<ReplicaSet>(replicaSetsResource).create(rs("web", 2));
    await eventually(async () => assert.equal((await activePods(fx)).length, 2));
    const orphan = await podsClient.get("orphan", { namespace: "default" });
    assert.equal(orphan.metadata?.ownerReferences?.[0]?.uid, created.metadata?.uid);
    await podsClient.patch(
      "orphan",
      { metadata: { labels: { app: "other" } } },
      { type: "merge", namespace: "default" },
    );
    await eventually(async () => {
      const released = await podsClient.get("orphan", { namespace: "default" });
      assert.deepEqual(released.metadata?.ownerReferences ?? [], []);
      const owned = (await activePods(fx)).filter(
        (p) => p.metadata?.ownerReferences?.[0]?.uid === created.metadata?.uid,
      );
      assert.equal(owned.length, 2);
    });
  });

  it("scales down deleting not-ready pods before ready ones", async () => {
    const fx = await setup();
    const sets = fx.client.resource<ReplicaSet>(replicaSetsResource);
    await sets.create(rs("web", 4));
    await eventually(async () => assert.equal((await activePods(fx)).length, 4));
    const pods = await activePods(fx);
    const ready = pods.slice(0, 2).map((p) => p.metadata?.name);
    for (const p of pods.slice(0, 2)) await setPodReady(fx.client, p, true);
    await sets.patch("web", { spec: { replicas: 2 } }, { type: "merge", namespace: "default" });
    await eventually(async () => {
      const left = (await activePods(fx)).map((p) => p.metadata?.name).sort();
      assert.deepEqual(left, [...ready].sort());
    });
  });

  it("replaces a deleted ReplicationController pod", async () => {
    const fx = await setup();
    const rcs = fx.client.resource<ReplicationController>(replicationControllersResource);
    await rcs.create({
      metadata: { name: "rc", namespace: "default" },
      spec: { replicas: 2, selector: { app: "web" }, template },
    });
    await eventually(async () => assert.equal((await activePods(fx)).length, 2));
    const victim = (await activePods(fx))[0] as Pod;
    assert.equal(victim.metadata?.ownerReferences?.[0]?.kind, "ReplicationController");
    await fx.client
      .resource<Pod>(podsResource)
      .delete(victim.metadata?.name ?? "", { namespace: "default", gracePeriodSeconds: 0 });
    await eventually(async () => {
      const now = await activePods(fx);
      assert.equal(now.length, 2);
      assert.ok(!now.some((p) => p.metadata?.name === victim.metadata?.name));
    });
    await eventually(async () =>
      assert.equal((await rcs.get("rc", { namespace: "default" })).status?.replicas, 2),
    );
  });
});
