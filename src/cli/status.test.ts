import assert from "node:assert/strict";
import { test } from "node:test";
import type { Deployment } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { summarize } from "./status.ts";

const node = (name: string, ready: string, unschedulable = false): Node => ({
  metadata: { name },
  spec: { unschedulable },
  status: {
    conditions: [{ type: "Ready", status: ready }],
    nodeInfo: { containerRuntimeVersion: "containerd://1.6.20" } as NonNullable<Node["status"]>["nodeInfo"],
    allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
  },
});
const pod = (ns: string, phase: string, deleting = false): Pod => ({
  metadata: { namespace: ns, name: "p", ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  status: { phase },
});

test("summarize counts ready nodes, pods by phase and deployments short of replicas", () => {
  const now = Date.parse("2026-01-01T01:00:00Z");
  const lines = summarize(
    {
      server: "https://127.0.0.1:6443",
      version: "v1.32.0",
      nodes: [node("a", "True"), node("b", "Unknown", true)],
      pods: [pod("x", "Running"), pod("x", "Running"), pod("y", "Pending"), pod("y", "Running", true)],
      deployments: [
        {
          metadata: { namespace: "x", name: "web" },
          spec: { replicas: 3 } as Deployment["spec"],
          status: { availableReplicas: 1 },
        },
        {
          metadata: { namespace: "x", name: "ok" },
          spec: { replicas: 1 } as Deployment["spec"],
          status: { availableReplicas: 1 },
        },
      ],
      events: [
        {
          metadata: { name: "e1" },
          type: "Warning",
          reason: "BackOff",
          message: "Back-off restarting failed container\nsecond line",
          involvedObject: { kind: "Pod", namespace: "x", name: "web-1" },
          lastTimestamp: "2026-01-01T00:58:00Z",
        },
        {
          metadata: { name: "e2" },
          type: "Normal",
          reason: "Pulled",
          involvedObject: { kind: "Pod", name: "q" },
        },
      ],
    },
    now,
  );
  assert.deepEqual(lines, [
    "cluster https://127.0.0.1:6443 (Kubernetes v1.32.0)",
    "nodes: 1/2 Ready",
    "  a  Ready  containerd://1.6.20  cpu 2, memory 4Gi, pods 110",
    "  b  Unknown,SchedulingDisabled  containerd://1.6.20  cpu 2, memory 4Gi, pods 110",
    "pods: 4 (2 Running, 1 Pending, 1 Terminating) in 2 namespace(s)",
    "deployments: 1/2 fully available",
    "  x/web  1/3 available",
    "recent warnings:",
    "  2m  x/pod/web-1  BackOff: Back-off restarting failed container",
  ]);
});
