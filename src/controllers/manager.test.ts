// The manager on a real in-process API server: controllers run only under the Lease, a second
// manager takes over when the first stops, and the queue skeleton requeues failed syncs.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { ConfigMap } from "kubernetes-types/core/v1.js";
import { eventually } from "../../test/client/gated-transport.ts";
import { type ClientFixture, startApi } from "../../test/client/support.ts";
import { SharedInformerFactory } from "../client/informer/factory.ts";
import { objectKey } from "../client/informer/indexer.ts";
import { type ControllerDescriptor, ControllerManager } from "./manager.ts";
import { startQueueController } from "./util/queue-controller.ts";

const configMaps = { group: "", version: "v1", resource: "configmaps", namespaced: true, kind: "ConfigMap" };

function recording(log: string[]): ControllerDescriptor {
  return {
    name: "recording-controller",
    start(ctx) {
      log.push("start");
      ctx.signal.addEventListener("abort", () => log.push("signal"));
      return async () => {
        log.push("stop");
      };
    },
  };
}

describe("ControllerManager", () => {
  let f: ClientFixture | undefined;
  const managers: ControllerManager[] = [];
  afterEach(async () => {
    for (const m of managers.splice(0)) await m.stop();
    await f?.close();
    f = undefined;
  });

  function manager(
    fx: ClientFixture,
    identity: string,
    controllers: ControllerDescriptor[],
  ): ControllerManager {
    const m = new ControllerManager({
      client: fx.client,
      informers: new SharedInformerFactory({ client: fx.client }),
      controllers,
      leaderElection: { identity, leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 50 },
    });
    managers.push(m);
    m.start();
    return m;
  }

  it("runs controllers only while leading; a second manager takes over after the first stops", async () => {
    f = await startApi();
    const a: string[] = [];
    const b: string[] = [];
    const first = manager(f, "a", [recording(a)]);
    await eventually(() => assert.deepEqual(a, ["start"]));
    const second = manager(f, "b", [recording(b)]);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(second.leading, false);
    assert.deepEqual(b, []);
    await first.stop();
    assert.deepEqual(a, ["start", "signal", "stop"]);
    await eventually(() => assert.deepEqual(b, ["start"]));
    const lease = await f.client
      .resource({ group: "coordination.k8s.io", version: "v1", resource: "leases", namespaced: true })
      .get("skiff-controller-manager", { namespace: "kube-system" });
    assert.equal((lease as { spec?: { holderIdentity?: string } }).spec?.holderIdentity, "b");
  });

  it("queue controllers sync every key after the caches fill and retry failures with backoff", async () => {
    f = await startApi();
    const cms = f.client.resource<ConfigMap>(configMaps);
    await cms.create({ metadata: { name: "one", namespace: "default" } });
    const synced: string[] = [];
    let failures = 0;
    const controller: ControllerDescriptor = {
      name: "cm-controller",
      start(ctx) {
        const informer = ctx.informers.informerFor<ConfigMap>(configMaps);
        return startQueueController({
          ctx,
          name: "cm-controller",
          informers: [informer],
          register: (queue) => [
            informer.addEventHandler({
              onAdd: (o) => queue.add(objectKey(o)),
              onUpdate: (_, o) => queue.add(objectKey(o)),
            }),
          ],
          sync: async (key) => {
            if (key === "default/two" && failures < 2) {
              failures++;
              throw new Error("transient");
            }
            synced.push(key);
          },
        });
      },
    };
    const m = new ControllerManager({
      client: f.client,
      informers: new SharedInformerFactory({ client: f.client }),
      controllers: [controller],
      leaderElection: false,
    });
    managers.push(m);
    m.start();
    await eventually(() => assert.deepEqual(synced, ["default/one"]));
    await cms.create({ metadata: { name: "two", namespace: "default" } });
    await eventually(() => assert.deepEqual(synced, ["default/one", "default/two"]));
    assert.equal(failures, 2);
  });
});
