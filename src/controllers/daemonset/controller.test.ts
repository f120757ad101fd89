// The DaemonSet controller on a real in-process API server (no scheduler: daemon pods are judged
// by the node their affinity targets): following node labels, OnDelete updates, misscheduled
// counts on a node tainted after the fact, and status counts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import {
  eventually,
  type ManagedFixture,
  startManaged,
} from "../../../test/controllers/lifecycle-support.ts";
import { podsResource } from "../util/resources.ts";
import { daemonSetController, daemonSetsResource, nodesResource } from "./controller.ts";
import { targetNode } from "./pods.ts";

describe("DaemonSetController", () => {
  let f: ManagedFixture | undefined;
  before(async () => {
    f = await startManaged([daemonSetController]);
    const nodes = f.client.resource<Node>(nodesResource);
    for (const name of ["n1", "n2"]) await nodes.create({ metadata: { name, labels: { role: "web" } } });
  });
  after(async () => {
    await f?.close();
  });
  const fx = (): ManagedFixture => {
    assert.ok(f, "fixture started");
    return f;
  };
  const live = async (app: string): Promise<Pod[]> =>
    (
      await fx()
        .client.resource<Pod>(podsResource)
        .list({ namespace: "default", labelSelector: `app=${app}` })
    ).items.filter((p) => !p.metadata?.deletionTimestamp);
  const placed = async (app: string): Promise<string[]> =>
    (await live(app)).map((p) => targetNode(p) ?? "").sort();
  const ds = (
    name: string,
    extra: Partial<NonNullable<DaemonSet["spec"]>> = {},
    nodeSelector?: Record<string, string>,
  ) => ({
    metadata: { name, namespace: "default" },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "c", image: "img:1" }], ...(nodeSelector ? { nodeSelector } : {}) },
      },
      ...extra,
    },
  });

  it("follows node labels through its nodeSelector", async () => {
    const nodes = fx().client.resource<Node>(nodesResource);
    await fx()
      .client.resource<DaemonSet>(daemonSetsResource)
      .create(ds("logs", {}, { disk: "ssd" }));
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(await placed("logs"), []);
    await nodes.patch("n2", { metadata: { labels: { disk: "ssd" } } }, { type: "merge" });
    await eventually(async () => assert.deepEqual(await placed("logs"), ["n2"]));
    await nodes.patch("n1", { metadata: { labels: { disk: "ssd" } } }, { type: "merge" });
    await eventually(async () => assert.deepEqual(await placed("logs"), ["n1", "n2"]));
    await nodes.patch("n2", { metadata: { labels: { disk: null } } }, { type: "merge" });
    await eventually(async () => assert.deepEqual(await placed("logs"), ["n1"]));
    await eventually(async () => {
      const s = (
        await fx().client.resource<DaemonSet>(daemonSetsResource).get("logs", { namespace: "default" })
      ).status;
      assert.deepEqual(
        [s?.desiredNumberScheduled, s?.currentNumberScheduled, s?.numberMisscheduled],
        [1, 1, 0],
      );
    });
  });

  it("OnDelete replaces a pod with the new template only when it is deleted; NoSchedule taints count misscheduled", async () => {
    const sets = fx().client.resource<DaemonSet>(daemonSetsResource);
    await sets.create(ds("ondel", { updateStrategy: { type: "OnDelete" } }));
    await eventually(async () => assert.deepEqual(await placed("ondel"), ["n1", "n2"]));
    await sets.patch(
      "ondel",
      { spec: { template: { spec: { containers: [{ name: "c", image: "img:2" }] } } } },
      { type: "strategic", namespace: "default" },
    );
    await eventually(async () => {
      const s = (await sets.get("ondel", { namespace: "default" })).status;
      assert.deepEqual([s?.observedGeneration, s?.updatedNumberScheduled], [2, 0]);
    });
    const victim = (await live("ondel")).find((p) => targetNode(p) === "n1") as Pod;
    await fx()
      .client.resource<Pod>(podsResource)
      .delete(victim.metadata?.name ?? "", { namespace: "default", gracePeriodSeconds: 0 });
    await eventually(async () => {
      const images = (await live("ondel"))
        .map((p) => `${targetNode(p)}=${p.spec?.containers[0]?.image}`)
        .sort();
      assert.deepEqual(images, ["n1=img:2", "n2=img:1"]);
    });
    await fx()
      .client.resource<Node>(nodesResource)
      .patch(
        "n2",
        { spec: { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] } },
        { type: "merge" },
      );
    await eventually(async () => {
      const s = (await sets.get("ondel", { namespace: "default" })).status;
      assert.deepEqual(
        [
          s?.desiredNumberScheduled,
          s?.currentNumberScheduled,
          s?.numberMisscheduled,
          s?.updatedNumberScheduled,
        ],
        [1, 1, 1, 1],
      );
    });
    // NoSchedule lets the running pod stay.
    assert.deepEqual(await placed("ondel"), ["n1", "n2"]);
  });
});
