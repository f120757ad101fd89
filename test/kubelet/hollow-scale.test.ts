// A thousand hollow nodes in-process against a real API server (handler chain over SQLite):
// they register, their leases keep being renewed and they stay Ready. Not timed.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Lease } from "kubernetes-types/coordination/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import { HollowNodeManager, leasesResource, nodesResource } from "../../src/kubelet/hollow/manager.ts";
import { startApi } from "../client/support.ts";

test("1,000 hollow nodes register, renew their leases and stay Ready", async () => {
  const api = await startApi({ watchCache: true });
  const errors: string[] = [];
  const manager = new HollowNodeManager({
    client: api.client,
    count: 1000,
    leaseRenewMs: 2000,
    statusReportMs: 3000,
    onError: (err, what) => errors.push(`${what}: ${String(err)}`),
  });
  try {
    await manager.start();
    const registeredAt = Date.now();
    const nodes = api.client.resource<Node>(nodesResource);
    const leases = api.client.resource<Lease>(leasesResource);
    assert.equal((await nodes.listAll()).items.length, 1000);
    // Wait until every lease was renewed after registration ended (each node beat at least once).
    for (;;) {
      const list = await leases.listAll({ namespace: "kube-node-lease" });
      const renewed = list.items.filter((l) => Date.parse(l.spec?.renewTime ?? "") >= registeredAt).length;
      if (renewed === 1000) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const after = (await nodes.listAll()).items;
    const ready = after.filter(
      (n) => n.status?.conditions?.find((c) => c.type === "Ready")?.status === "True",
    );
    assert.equal(ready.length, 1000);
    const cidrs = new Set(after.map((n) => n.spec?.podCIDR));
    assert.equal(cidrs.size, 1000, "every node has its own pod CIDR");
    assert.deepEqual(errors, []);
  } finally {
    await manager.stop();
    await api.close();
  }
});
