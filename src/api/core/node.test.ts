import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { nodes } from "./node.ts";

const now = new Date("2024-05-01T12:00:00Z");
const created = "2024-05-01T10:00:00Z";

describe("nodes", () => {
  function node(extra: Record<string, unknown> = {}): KubeObject {
    return {
      metadata: {
        name: "node-1",
        creationTimestamp: created,
        labels: { "node-role.kubernetes.io/control-plane": "" },
      },
      status: {
        conditions: [{ type: "Ready", status: "True" }],
        addresses: [{ type: "InternalIP", address: "192.168.1.10" }],
        nodeInfo: {
          kubeletVersion: "v1.32.0",
          osImage: "Debian GNU/Linux 12",
          kernelVersion: "6.1.0",
          containerRuntimeVersion: "skiff://0.1.0",
        },
      },
      ...extra,
    };
  }

  it("prints status, roles and wide columns", () => {
    assert.deepEqual(nodes.strategy.table?.cells(node(), now), [
      "node-1",
      "Ready",
      "control-plane",
      "120m",
      "v1.32.0",
      "192.168.1.10",
      "<none>",
      "Debian GNU/Linux 12",
      "6.1.0",
      "skiff://0.1.0",
    ]);
    const cordoned = node({ spec: { unschedulable: true } });
    (cordoned.status as { conditions: { status: string }[] }).conditions[0]!.status = "Unknown";
    assert.equal(nodes.strategy.table?.cells(cordoned, now)[1], "NotReady,SchedulingDisabled");
    assert.equal(nodes.strategy.table?.cells(node({ status: {} }), now)[1], "Unknown");
    assert.equal(nodes.strategy.fieldSelectors?.["spec.unschedulable"]?.(cordoned), "true");
  });

  it("defaults allocatable and validates taints", () => {
    const n = node({ status: { capacity: { cpu: "4" } } });
    nodes.strategy.defaults?.(n);
    assert.deepEqual((n.status as Record<string, unknown>).allocatable, { cpu: "4" });
    const tainted = node({ spec: { taints: [{ key: "a", effect: "Sometimes" }, { key: "b" }] } });
    assert.deepEqual(
      (nodes.strategy.validate?.(tainted) ?? []).map((e) => [e.type, e.field]),
      [
        ["FieldValueNotSupported", "spec.taints[0].effect"],
        ["FieldValueRequired", "spec.taints[1].effect"],
      ],
    );
    const withNs = node();
    withNs.metadata = { ...withNs.metadata, namespace: "default" };
    assert.deepEqual(
      (nodes.strategy.validate?.(withNs) ?? []).map((e) => e.field),
      ["metadata.namespace"],
    );
  });
});
