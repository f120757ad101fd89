import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node } from "kubernetes-types/core/v1.js";
import { placement } from "./eligibility.ts";
import { daemonPodTemplate, newDaemonPod, targetNode } from "./pods.ts";

const ds = (spec: Partial<NonNullable<DaemonSet["spec"]>["template"]["spec"]> = {}): DaemonSet => ({
  metadata: { name: "agent", namespace: "default", uid: "u1", generation: 3 },
  spec: {
    selector: { matchLabels: { app: "agent" } },
    template: { metadata: { labels: { app: "agent" } }, spec: { containers: [{ name: "c" }], ...spec } },
  },
});

const node = (name: string, o: Partial<Node["spec"]> & { labels?: Record<string, string> } = {}): Node => ({
  metadata: { name, labels: o.labels ?? {} },
  spec: { ...(o.taints ? { taints: o.taints } : {}), ...(o.unschedulable ? { unschedulable: true } : {}) },
});

describe("daemon pod placement", () => {
  it("tolerates the default daemon taints, not others; NoSchedule keeps running pods", () => {
    const t = daemonPodTemplate(ds());
    assert.deepEqual(placement(t, node("a")), { shouldRun: true, shouldContinueRunning: true });
    const cordoned = node("b", {
      unschedulable: true,
      taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
    });
    assert.equal(placement(t, cordoned).shouldRun, true);
    const notReady = node("c", { taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }] });
    assert.equal(placement(t, notReady).shouldRun, true);
    const tainted = node("d", { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] });
    assert.deepEqual(placement(t, tainted), { shouldRun: false, shouldContinueRunning: true });
    const evicting = node("e", { taints: [{ key: "dedicated", value: "db", effect: "NoExecute" }] });
    assert.deepEqual(placement(t, evicting), { shouldRun: false, shouldContinueRunning: false });
    const tolerant = daemonPodTemplate(
      ds({ tolerations: [{ key: "dedicated", operator: "Equal", value: "db" }] }),
    );
    assert.equal(placement(tolerant, evicting).shouldRun, true);
  });

  it("honours nodeSelector and required node affinity", () => {
    const bySelector = daemonPodTemplate(ds({ nodeSelector: { disk: "ssd" } }));
    assert.equal(placement(bySelector, node("a", { labels: { disk: "ssd" } })).shouldRun, true);
    assert.equal(placement(bySelector, node("b", { labels: { disk: "hdd" } })).shouldContinueRunning, false);
    const byAffinity = daemonPodTemplate(
      ds({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: "zone", operator: "In", values: ["z1", "z2"] }] },
              ],
            },
          },
        },
      }),
    );
    assert.equal(placement(byAffinity, node("a", { labels: { zone: "z2" } })).shouldRun, true);
    assert.equal(placement(byAffinity, node("b", { labels: { zone: "z3" } })).shouldRun, false);
  });

  it("binds new pods to their node through matchFields metadata.name", () => {
    const pod = newDaemonPod(ds({ nodeSelector: { disk: "ssd" } }), "node-7", "abc");
    assert.deepEqual(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, {
      nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["node-7"] }] }],
    });
    assert.equal(targetNode(pod), "node-7");
    assert.equal(pod.metadata?.labels?.["controller-revision-hash"], "abc");
    assert.equal(pod.metadata?.labels?.["pod-template-generation"], "3");
    assert.equal(pod.spec?.tolerations?.length, 6);
    assert.equal(pod.metadata?.ownerReferences?.[0]?.kind, "DaemonSet");
  });
});
