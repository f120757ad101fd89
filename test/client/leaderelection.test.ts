// Two candidates for one Lease on a real API server: exactly one leads; when it stops (and
// releases the Lease) the other takes over; Lease fields follow coordination.k8s.io/v1.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import { leases } from "../../src/api/coordination/lease.ts";
import { LeaderElector } from "../../src/client/leaderelection.ts";
import { eventually } from "./gated-transport.ts";
import { type ClientFixture, startApi } from "./support.ts";

describe("LeaderElector", () => {
  let f: ClientFixture | undefined;
  const electors: LeaderElector[] = [];
  afterEach(async () => {
    for (const e of electors.splice(0)) await e.stop();
    await f?.close();
  });

  function candidate(fx: ClientFixture, identity: string, log: string[]): LeaderElector {
    const e = new LeaderElector({
      leases: fx.client.resource<Lease>(leases),
      namespace: "kube-system",
      name: "skiff-scheduler",
      identity,
      leaseDurationMs: 3000,
      renewDeadlineMs: 2000,
      retryPeriodMs: 50,
      onStartedLeading: (signal) => {
        log.push(`${identity} started`);
        signal.addEventListener("abort", () => log.push(`${identity} signal aborted`));
      },
      onStoppedLeading: () => log.push(`${identity} stopped`),
      onError: (err) => log.push(`${identity} error ${err}`),
    });
    electors.push(e);
    return e;
  }

  it("elects one leader; the other takes over when it stops and releases", async () => {
    f = await startApi();
    const fx = f;
    const log: string[] = [];
    const a = candidate(fx, "a", log);
    const b = candidate(fx, "b", log);
    a.start();
    await eventually(() => assert.equal(a.isLeader(), true, "a leads"));
    b.start();
    // b must observe a renewing and stay a follower for many retry periods.
    await eventually(() => assert.equal(b.leader(), "a", "b sees a"));
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(b.isLeader(), false);
      assert.equal(a.isLeader(), true);
    }
    const held = await fx.client.resource<Lease>(leases).get("skiff-scheduler", { namespace: "kube-system" });
    assert.equal(held.spec?.holderIdentity, "a");
    assert.equal(held.spec?.leaseDurationSeconds, 3);
    assert.equal(held.spec?.leaseTransitions, 0);
    assert.match(held.spec?.renewTime ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    await a.stop();
    assert.equal(a.isLeader(), false);
    assert.deepEqual(log.slice(0, 3), ["a started", "a signal aborted", "a stopped"]);
    await eventually(() => assert.equal(b.isLeader(), true, "b took over"));
    const taken = await fx.client
      .resource<Lease>(leases)
      .get("skiff-scheduler", { namespace: "kube-system" });
    assert.equal(taken.spec?.holderIdentity, "b");
    assert.equal(log.filter((l) => l.includes("error")).length, 0, log.join("; "));
  });

  it("takes over an abandoned lease only after its duration", async () => {
    f = await startApi();
    const fx = f;
    const now = new Date().toISOString().replace("Z", "000Z");
    await fx.client.resource<Lease>(leases).create({
      metadata: { name: "skiff-scheduler", namespace: "kube-system" },
      spec: {
        holderIdentity: "gone",
        leaseDurationSeconds: 1,
        renewTime: now,
        acquireTime: now,
        leaseTransitions: 2,
      },
    });
    const log: string[] = [];
    const c = candidate(fx, "c", log);
    const began = performance.now();
    c.start();
    await eventually(() => assert.equal(c.isLeader(), true, "c leads"));
    assert.ok(performance.now() - began >= 1000, "waited for the lease to expire");
    const lease = await fx.client
      .resource<Lease>(leases)
      .get("skiff-scheduler", { namespace: "kube-system" });
    assert.equal(lease.spec?.holderIdentity, "c");
    assert.equal(lease.spec?.leaseTransitions, 3);
  });
});
