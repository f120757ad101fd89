// The node agent's debugging and log features on both real runtimes (slot 9: bridge skk9, one
// cluster at a time): kubectl debug (ephemeral containers), log rotation, attach with stdin.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type NodeCluster, startNodeCluster } from "./agent-support.ts";
import * as s from "./debug-scenarios.ts";

for (const runtime of ["containerd", "runc"] as const) {
  describe(`on ${runtime}`, () => {
    let c: NodeCluster;
    before(async () => {
      c = await startNodeCluster({ index: 9, runtime, agentArgs: s.rotationArgs });
    });
    after(async () => {
      const left = await c.teardown();
      assert.deepEqual(left, [], "the host keeps no bridge, pod cgroup or mount");
    });
    test("kubectl debug runs an ephemeral container, in the target's pid namespace with --target", () =>
      s.checkDebug(c));
    test("container logs rotate at the max size; kubectl logs and --previous still read", () =>
      s.checkLogRotation(c));
    test("kubectl attach -i sends stdin to the container", () => s.checkAttachStdin(c));
    // Only on runc: containerd 1.6's CRI streaming server speaks remotecommand v4 over WebSocket,
    // which cannot half-close stdin, so the end of the client's stdin does not reach a containerd
    // container yet (needs SPDY or Tasks.CloseIO) — an open gap of issue 6, not a skipped test.
    if (runtime === "runc") {
      test("stdinOnce: the container's stdin ends when the attached client closes it", () =>
        s.checkAttachStdinOnce(c));
    }
  });
}
