import assert from "node:assert/strict";
import { test } from "node:test";
import { testCache, testPodInfo } from "../testing.ts";
import { defaultFramework } from "./index.ts";

test("preemption picks the node whose victims have the lowest priority, with the fewest victims", () => {
  const cache = testCache(
    [
      { name: "n1", cpu: "2" },
      { name: "n2", cpu: "2" },
    ],
    [
      { name: "mid", cpu: "2", priority: 50, nodeName: "n1" },
      { name: "low1", cpu: "1", priority: 10, nodeName: "n2" },
      { name: "low2", cpu: "1", priority: 10, nodeName: "n2" },
    ],
  );
  const fw = defaultFramework({ random: () => 0 });
  const pod = testPodInfo({ name: "vip", cpu: "1", priority: 100 });
  const r = fw.schedule(pod, cache);
  assert.equal(r.kind, "unschedulable");
  if (r.kind !== "unschedulable") return;
  const post = fw.profile.postFilter[0]?.postFilter(r.state, pod, cache, r.failures);
  assert.equal(post?.nominatedNodeName, "n2");
  // One low-priority pod is enough; the other is reprieved.
  assert.equal(post?.victims?.length, 1);
});

test("no preemption for equal priority, for preemptionPolicy Never, or past unresolvable failures", () => {
  const cache = testCache(
    [
      { name: "n1", cpu: "1" },
      { name: "tainted", taints: [{ key: "k", effect: "NoSchedule" }] },
    ],
    [{ name: "same", cpu: "1", priority: 5, nodeName: "n1" }],
  );
  const fw = defaultFramework();
  const pre = fw.profile.postFilter[0];
  assert.ok(pre);
  const peer = testPodInfo({ name: "peer", cpu: "1", priority: 5 });
  const r = fw.schedule(peer, cache);
  assert.equal(r.kind, "unschedulable");
  if (r.kind !== "unschedulable") return;
  const out = pre.postFilter(r.state, peer, cache, r.failures);
  assert.equal(out.nominatedNodeName, undefined);
  assert.deepEqual(out.status.reasons, [
    "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.",
  ]);
  const never = testPodInfo({ name: "never", cpu: "1", priority: 100, spec: { preemptionPolicy: "Never" } });
  const r2 = fw.schedule(never, cache);
  if (r2.kind !== "unschedulable") return assert.fail("should not fit");
  assert.equal(pre.postFilter(r2.state, never, cache, r2.failures).nominatedNodeName, undefined);
});
