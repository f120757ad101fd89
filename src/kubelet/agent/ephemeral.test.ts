import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ContainerStatus } from "../runtime/runtime.ts";
import { ephemeralToStart } from "./ephemeral.ts";
import type { ObservedPod } from "./pod-state.ts";

const status = (id: string, name: string, state: ContainerStatus["state"], sandbox = "s1") =>
  ({ id, podSandboxId: sandbox, metadata: { name, attempt: 0 }, state }) as ContainerStatus;

test("ephemeral containers start once, with the running target's id", () => {
  const pod: Pod = {
    spec: {
      containers: [{ name: "app" }],
      ephemeralContainers: [
        { name: "done", image: "b" },
        { name: "new", image: "b", targetContainerName: "app" },
        { name: "plain", image: "b" },
      ],
    },
  };
  const observed: ObservedPod = {
    sandboxes: [],
    containers: new Map([
      ["app", [status("c-app", "app", "CONTAINER_RUNNING")]],
      ["done", [status("c-done", "done", "CONTAINER_EXITED", "old-sandbox")]],
    ]),
  };
  const starts = ephemeralToStart(pod, observed, "s1");
  assert.deepEqual(
    starts.map((s) => [s.container.name, s.targetContainerId]),
    [
      ["new", "c-app"],
      ["plain", undefined],
    ],
  );
  // A target that is not running in this sandbox: the container starts without joining it.
  observed.containers.set("app", [status("c-app", "app", "CONTAINER_EXITED")]);
  assert.equal(ephemeralToStart(pod, observed, "s1")[0]?.targetContainerId, undefined);
});
