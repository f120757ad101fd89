// The Deployment controller with the ReplicaSet controller on a real in-process API server; a
// fake kubelet marks pods Ready. Rollouts, revisions, undo by template, history limit, Recreate,
// pause, and the progress deadline.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1.js";
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { eventually } from "../../../test/client/gated-transport.ts";
import { type ClientFixture, startApi } from "../../../test/client/support.ts";
import type { ControllerManager } from "../manager.ts";
import { replicaSetController } from "../replicaset/controller.ts";
import { runControllers, startFakeKubelet } from "../replicaset/testing.ts";
import { deploymentsResource, eventsResource, podsResource, replicaSetsResource } from "../util/resources.ts";
import { deploymentController } from "./controller.ts";

function deployment(
  name: string,
  replicas: number,
  image: string,
  extra: Partial<Deployment["spec"]> = {},
): Deployment {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image }] } },
      ...extra,
    },
  };
}

describe("DeploymentController", () => {
  let f: ClientFixture | undefined;
  let m: ControllerManager | undefined;
  let kubelet: { stop(): Promise<void> } | undefined;
  afterEach(async () => {
    await kubelet?.stop();
    await m?.stop();
    await f?.close();
    kubelet = undefined;
    m = undefined;
    f = undefined;
  });

  async function setup(withKubelet = true): Promise<ClientFixture> {
    f = await startApi();
    m = runControllers(f.client, [replicaSetController, deploymentController]);
    if (withKubelet) kubelet = startFakeKubelet(f.client);
    return f;
  }

  const get = (fx: ClientFixture, name: string) =>
    fx.client.resource<Deployment>(deploymentsResource).get(name, { namespace: "default" });
  const sets = async (fx: ClientFixture) =>
    (await fx.client.resource<ReplicaSet>(replicaSetsResource).list({ namespace: "default" })).items;
  const livePods = async (fx: ClientFixture) =>
    (await fx.client.resource<Pod>(podsResource).list({ namespace: "default" })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );

  async function rolledOut(fx: ClientFixture, name: string, replicas: number): Promise<Deployment> {
    let d: Deployment | undefined;
    await eventually(async () => {
      d = await get(fx, name);
      const s = d.status;
      assert.equal(s?.observedGeneration, d.metadata?.generation);
      assert.deepEqual(
        [s?.replicas, s?.updatedReplicas, s?.availableReplicas, s?.readyReplicas],
        [replicas, replicas, replicas, replicas],
      );
      const progressing = s?.conditions?.find((c) => c.type === "Progressing");
      assert.equal(progressing?.reason, "NewReplicaSetAvailable");
    }, 500);
    return d as Deployment;
  }

  it("rolls out, scales, updates the image, and undoes to revision 1 by template content", async () => {
    const fx = await setup();
    const deployments = fx.client.resource<Deployment>(deploymentsResource);
    await deployments.create({
      ...deployment("web", 2, "nginx:1.25"),
      metadata: { name: "web", namespace: "default", annotations: { "kubernetes.io/change-cause": "first" } },
    });
    let d = await rolledOut(fx, "web", 2);
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "1");
    const available = d.status?.conditions?.find((c) => c.type === "Available");
    assert.deepEqual(
      [available?.status, available?.reason, available?.message],
      ["True", "MinimumReplicasAvailable", "Deployment has minimum availability."],
    );
    const [first] = await sets(fx);
    assert.ok(first);
    const hash = first.metadata?.labels?.["pod-template-hash"] ?? "";
    assert.equal(first.metadata?.name, `web-${hash}`);
    assert.equal(first.spec?.selector.matchLabels?.["pod-template-hash"], hash);
    assert.equal(first.metadata?.annotations?.["kubernetes.io/change-cause"], "first");
    assert.equal(first.metadata?.annotations?.["deployment.kubernetes.io/desired-replicas"], "2");
    assert.equal(first.metadata?.annotations?.["deployment.kubernetes.io/max-replicas"], "3");
    const progressing = d.status?.conditions?.find((c) => c.type === "Progressing");
    assert.equal(progressing?.message, `ReplicaSet "web-${hash}" has successfully progressed.`);

    await deployments.patch("web", { spec: { replicas: 5 } }, { type: "merge", namespace: "default" });
    await rolledOut(fx, "web", 5);
    assert.equal((await sets(fx)).length, 1);

    await deployments.patch(
      "web",
      { spec: { template: { spec: { containers: [{ name: "c", image: "nginx:1.26" }] } } } },
      { type: "strategic", namespace: "default" },
    );
    d = await rolledOut(fx, "web", 5);
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "2");
    const all = await sets(fx);
    assert.equal(all.length, 2);
    const old = all.find((rs) => rs.metadata?.name === first.metadata?.name);
    assert.equal(old?.spec?.replicas, 0);
    for (const p of await livePods(fx)) assert.equal(p.spec?.containers[0]?.image, "nginx:1.26");

    // Undo like kubectl: the old RS's template (defaults included) in another key order.
    const template = structuredClone(old?.spec?.template ?? {});
    delete template.metadata?.labels?.["pod-template-hash"];
    const reordered = JSON.parse(JSON.stringify({ spec: template.spec, metadata: template.metadata }));
    await deployments.patch("web", [{ op: "replace", path: "/spec/template", value: reordered }], {
      type: "json",
      namespace: "default",
    });
    d = await rolledOut(fx, "web", 5);
    assert.equal(d.metadata?.annotations?.["deployment.kubernetes.io/revision"], "3");
    const after = await sets(fx);
    assert.equal(after.length, 2, "undo re-uses the old ReplicaSet");
    const reused = after.find((rs) => rs.metadata?.name === first.metadata?.name);
    assert.equal(reused?.metadata?.annotations?.["deployment.kubernetes.io/revision"], "3");
    assert.equal(reused?.metadata?.annotations?.["deployment.kubernetes.io/revision-history"], "1");
    assert.equal(reused?.spec?.replicas, 5);
    for (const p of await livePods(fx)) assert.equal(p.spec?.containers[0]?.image, "nginx:1.25");
    await eventually(async () => {
      const events = await fx.client.resource<Event>(eventsResource).list({ namespace: "default" });
      const scaling = events.items.filter((e) => e.reason === "ScalingReplicaSet").map((e) => e.message);
      assert.ok(scaling.includes(`Scaled up replica set web-${hash} from 0 to 2`), JSON.stringify(scaling));
      assert.ok(scaling.some((msg) => msg?.startsWith(`Scaled down replica set web-${hash}`)));
    });
  });

  it("keeps revisionHistoryLimit old ReplicaSets", async () => {
    const fx = await setup();
    const deployments = fx.client.resource<Deployment>(deploymentsResource);
    await deployments.create(deployment("hist", 1, "img:1", { revisionHistoryLimit: 1 }));
    await rolledOut(fx, "hist", 1);
    for (const tag of ["2", "3", "4"]) {
      await deployments.patch(
        "hist",
        { spec: { template: { spec: { containers: [{ name: "c", image: `img:${tag}` }] } } } },
        { type: "strategic", namespace: "default" },
      );
      await rolledOut(fx, "hist", 1);
    }
    await eventually(async () => {
      const revisions = (await sets(fx))
        .map((rs) => rs.metadata?.annotations?.["deployment.kubernetes.io/revision"])
        .sort();
      assert.deepEqual(revisions, ["3", "4"]);
    });
  });

  it("Recreate scales the old ReplicaSet to zero before the new one grows", async () => {
    const fx = await setup();
    const deployments = fx.client.resource<Deployment>(deploymentsResource);
    await deployments.create(deployment("re", 3, "img:1", { strategy: { type: "Recreate" } }));
    await rolledOut(fx, "re", 3);
    await deployments.patch(
      "re",
      { spec: { template: { spec: { containers: [{ name: "c", image: "img:2" }] } } } },
      { type: "strategic", namespace: "default" },
    );
    await rolledOut(fx, "re", 3);
    const images = (await livePods(fx)).map((p) => p.spec?.containers[0]?.image);
    assert.deepEqual(images, ["img:2", "img:2", "img:2"]);
  });

  it("pauses and resumes with Progressing reasons, and times out past progressDeadlineSeconds", async () => {
    const fx = await setup(false);
    const deployments = fx.client.resource<Deployment>(deploymentsResource);
    await deployments.create(deployment("slow", 1, "img:1", { progressDeadlineSeconds: 1, paused: true }));
    await eventually(async () => {
      const c = (await get(fx, "slow")).status?.conditions?.find((x) => x.type === "Progressing");
      assert.deepEqual(
        [c?.status, c?.reason, c?.message],
        ["Unknown", "DeploymentPaused", "Deployment is paused"],
      );
    });
    assert.equal((await sets(fx)).length, 0, "a paused Deployment creates no ReplicaSet");
    await deployments.patch("slow", { spec: { paused: false } }, { type: "merge", namespace: "default" });
    // No kubelet: the pod never becomes ready, so the deadline passes.
    await eventually(async () => {
      const c = (await get(fx, "slow")).status?.conditions?.find((x) => x.type === "Progressing");
      assert.equal(c?.status, "False");
      assert.equal(c?.reason, "ProgressDeadlineExceeded");
      assert.match(c?.message ?? "", /^ReplicaSet "slow-[a-z0-9]+" has timed out progressing\.$/);
    }, 300);
  });
});
