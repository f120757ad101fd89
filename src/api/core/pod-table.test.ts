import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../object.ts";
import { podStatusCells, podTable } from "./pod-table.ts";

const now = new Date("2024-05-01T12:00:00Z");

function pod(extra: Partial<Pod> = {}): Pod & KubeObject {
  return {
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-05-01T11:59:17Z" },
    spec: { containers: [{ name: "a", image: "nginx" }] },
    ...extra,
  } as Pod & KubeObject;
}

describe("pod table", () => {
  it("has kubectl's columns", () => {
    assert.deepEqual(
      podTable.columns.map((c) => [c.name, c.priority]),
      [
        ["Name", 0],
        ["Ready", 0],
        ["Status", 0],
        ["Restarts", 0],
        ["Age", 0],
        ["IP", 1],
        ["Node", 1],
        ["Nominated Node", 1],
        ["Readiness Gates", 1],
      ],
    );
  });

  it("prints a running pod", () => {
    const p = pod({
      spec: { containers: [{ name: "a", image: "nginx" }], nodeName: "node-2" },
      status: {
        phase: "Running",
        podIP: "10.244.0.8",
        podIPs: [{ ip: "10.244.0.8" }],
        containerStatuses: [
          { name: "a", ready: true, restartCount: 0, image: "nginx", imageID: "", state: { running: {} } },
        ],
      },
    });
    assert.deepEqual(podTable.cells(p, now), [
      "web",
      "1/1",
      "Running",
      "0",
      "43s",
      "10.244.0.8",
      "node-2",
      "<none>",
      "<none>",
    ]);
  });

  it("shows a pending pod without statuses", () => {
    assert.deepEqual(podTable.cells(pod({ status: { phase: "Pending" } }), now).slice(1, 4), [
      "0/1",
      "Pending",
      "0",
    ]);
  });

  it("shows waiting reasons and restarts with their age", () => {
    const p = pod({
      status: {
        phase: "Running",
        containerStatuses: [
          {
            name: "a",
            ready: false,
            restartCount: 3,
            image: "x",
            imageID: "",
            state: { waiting: { reason: "CrashLoopBackOff" } },
            lastState: { terminated: { exitCode: 1, finishedAt: "2024-05-01T11:55:00Z" } },
          },
        ],
      },
    });
    assert.deepEqual(podStatusCells(p, now), {
      ready: "0/1",
      status: "CrashLoopBackOff",
      restarts: "3 (5m ago)",
    });
  });

  it("shows init progress, init failures, completion and termination", () => {
    const init = pod({
      spec: {
        containers: [{ name: "a", image: "x" }],
        initContainers: [
          { name: "i1", image: "x" },
          { name: "i2", image: "x" },
        ],
      },
      status: {
        phase: "Pending",
        initContainerStatuses: [
          {
            name: "i1",
            ready: false,
            restartCount: 0,
            image: "x",
            imageID: "",
            state: { terminated: { exitCode: 0 } },
          },
          { name: "i2", ready: false, restartCount: 0, image: "x", imageID: "", state: { running: {} } },
        ],
      },
    });
    assert.equal(podStatusCells(init, now).status, "Init:1/2");
    const failed = structuredClone(init);
    failed.status!.initContainerStatuses![1]!.state = { terminated: { exitCode: 2 } };
    assert.equal(podStatusCells(failed, now).status, "Init:ExitCode:2");

    const done = pod({
      status: {
        phase: "Succeeded",
        containerStatuses: [
          {
            name: "a",
            ready: false,
            restartCount: 0,
            image: "x",
            imageID: "",
            state: { terminated: { exitCode: 0, reason: "Completed" } },
          },
        ],
      },
    });
    assert.equal(podStatusCells(done, now).status, "Completed");

    const deleting = pod({ status: { phase: "Running" } });
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: "2024-05-01T12:00:00Z" };
    assert.equal(podStatusCells(deleting, now).status, "Terminating");
  });

  it("counts readiness gates", () => {
    const p = pod({
      spec: {
        containers: [{ name: "a", image: "x" }],
        readinessGates: [{ conditionType: "x/ok" }, { conditionType: "x/b" }],
      },
      status: { conditions: [{ type: "x/ok", status: "True" }] },
    });
    assert.equal(podTable.cells(p, now)[8], "1/2");
  });
});
