import assert from "node:assert/strict";
import { test } from "node:test";
import type { ContainerEvent } from "../runtime.ts";
import { ContainerEventPoller, type ListedContainer } from "./events.ts";

test("each state change between polls becomes an event, including a container skipping a state", async () => {
  let listing: ListedContainer[] = [];
  const poller = new ContainerEventPoller({ list: async () => listing, now: () => 42, pollMs: 60_000 });
  const events: string[] = [];
  const unsubscribe = poller.subscribe((e: ContainerEvent) =>
    events.push(`${e.containerId}/${e.podSandboxId} ${e.type} ${e.createdAt}`),
  );
  try {
    listing = [{ id: "a", podSandboxId: "s", state: "CONTAINER_RUNNING" }];
    await poller.poll();
    listing = [
      { id: "a", podSandboxId: "s", state: "CONTAINER_RUNNING" },
      { id: "b", podSandboxId: "s", state: "CONTAINER_EXITED" },
    ];
    await poller.poll();
    listing = [{ id: "b", podSandboxId: "s", state: "CONTAINER_EXITED" }];
    await poller.poll();
    await poller.poll();
    assert.deepEqual(events, [
      "a/s CONTAINER_CREATED_EVENT 42",
      "a/s CONTAINER_STARTED_EVENT 42",
      "b/s CONTAINER_CREATED_EVENT 42",
      "b/s CONTAINER_STOPPED_EVENT 42",
      "a/s CONTAINER_DELETED_EVENT 42",
    ]);
  } finally {
    unsubscribe();
  }
});

test("a failing listing emits nothing and the next good one catches up", async () => {
  let fail = true;
  const poller = new ContainerEventPoller({
    list: async () => {
      if (fail) throw new Error("containerd restarting");
      return [{ id: "a", podSandboxId: "s", state: "CONTAINER_EXITED" }];
    },
    pollMs: 60_000,
  });
  const events: string[] = [];
  const unsubscribe = poller.subscribe((e) => events.push(e.type));
  await poller.poll();
  assert.deepEqual(events, []);
  fail = false;
  await poller.poll();
  assert.deepEqual(events, ["CONTAINER_CREATED_EVENT", "CONTAINER_STOPPED_EVENT"]);
  unsubscribe();
});
