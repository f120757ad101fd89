import assert from "node:assert/strict";
import { test } from "node:test";
import { nodeObject, nodeOfPod, podObject, startScheduler, unschedulableMessage } from "./support.ts";

test("binds a pod and explains one that fits nowhere", async () => {
  const f = await startScheduler();
  try {
    await f.nodes.create(nodeObject({ name: "n1", cpu: "1" }));
    await f.pods.create(podObject("a", {}, {}, "500m"));
    assert.equal(await nodeOfPod(f, "a"), "n1");
    await f.pods.create(podObject("b", {}, {}, "900m"));
    assert.equal(
      await unschedulableMessage(f, "b"),
      "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.",
    );
  } finally {
    await f.stop();
  }
});
