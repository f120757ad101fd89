import assert from "node:assert/strict";
import { test } from "node:test";
import { testCache, testPodInfo } from "../testing.ts";
import { CycleState } from "../types.ts";
import { imageLocality } from "./imagelocality.ts";
import { nodeAffinity } from "./nodeaffinity.ts";
import { nodeName } from "./nodename.ts";
import { nodePorts } from "./nodeports.ts";
import { nodeUnschedulable } from "./nodeunschedulable.ts";
import { taintToleration } from "./tainttoleration.ts";

const s = () => new CycleState();

test("NodeName accepts only the named node", () => {
  const cache = testCache([{ name: "a" }, { name: "b" }]);
  const pod = testPodInfo({ name: "p", spec: { nodeName: "a" } });
  assert.equal(nodeName.filter(s(), pod, cache.get("a") ?? assert.fail()).code, "Success");
  const r = nodeName.filter(s(), pod, cache.get("b") ?? assert.fail());
  assert.equal(r.code, "UnschedulableAndUnresolvable");
  assert.deepEqual(r.reasons, ["node(s) didn't match the requested node name"]);
});

test("NodeUnschedulable: cordoned nodes take only pods tolerating the unschedulable taint", () => {
  const cache = testCache([{ name: "c", unschedulable: true }]);
  const node = cache.get("c") ?? assert.fail();
  assert.deepEqual(nodeUnschedulable.filter(s(), testPodInfo({ name: "p" }), node).reasons, [
    "node(s) were unschedulable",
  ]);
  const tolerant = testPodInfo({
    name: "ds",
    spec: {
      tolerations: [{ key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" }],
    },
  });
  assert.equal(nodeUnschedulable.filter(s(), tolerant, node).code, "Success");
});

test("TaintToleration filters NoSchedule/NoExecute and scores PreferNoSchedule", () => {
  const cache = testCache([
    { name: "gpu", taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }] },
    { name: "soft", taints: [{ key: "spot", value: "yes", effect: "PreferNoSchedule" }] },
    { name: "plain" },
  ]);
  const gpu = cache.get("gpu") ?? assert.fail();
  const soft = cache.get("soft") ?? assert.fail();
  const plain = cache.get("plain") ?? assert.fail();
  const pod = testPodInfo({ name: "p" });
  assert.deepEqual(taintToleration.filter(s(), pod, gpu).reasons, [
    "node(s) had untolerated taint {gpu: true}",
  ]);
  assert.equal(taintToleration.filter(s(), pod, soft).code, "Success");
  const tol = testPodInfo({
    name: "t",
    spec: { tolerations: [{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }] },
  });
  assert.equal(taintToleration.filter(s(), tol, gpu).code, "Success");
  const wrongValue = testPodInfo({ name: "w", spec: { tolerations: [{ key: "gpu", value: "false" }] } });
  assert.equal(taintToleration.filter(s(), wrongValue, gpu).code, "UnschedulableAndUnresolvable");
  const all = testPodInfo({ name: "all", spec: { tolerations: [{ operator: "Exists" }] } });
  assert.equal(taintToleration.filter(s(), all, gpu).code, "Success");
  const scores = [taintToleration.score(s(), pod, soft), taintToleration.score(s(), pod, plain)];
  taintToleration.normalize?.(s(), pod, scores);
  assert.deepEqual(scores, [0, 100]);
});

test("NodeAffinity: nodeSelector, required terms (ORed, with matchFields) and preferred weights", () => {
  const cache = testCache([
    { name: "a", labels: { disk: "ssd", zone: "z1" } },
    { name: "b", labels: { disk: "hdd", zone: "z2" } },
  ]);
  const a = cache.get("a") ?? assert.fail();
  const b = cache.get("b") ?? assert.fail();
  const sel = testPodInfo({ name: "p", spec: { nodeSelector: { disk: "ssd" } } });
  assert.equal(nodeAffinity.filter(s(), sel, a).code, "Success");
  assert.deepEqual(nodeAffinity.filter(s(), sel, b).reasons, [
    "node(s) didn't match Pod's node affinity/selector",
  ]);
  const req = testPodInfo({
    name: "r",
    spec: {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [
              { matchExpressions: [{ key: "zone", operator: "In", values: ["z9"] }] },
              { matchFields: [{ key: "metadata.name", operator: "In", values: ["b"] }] },
            ],
          },
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 10,
              preference: { matchExpressions: [{ key: "disk", operator: "NotIn", values: ["hdd"] }] },
            },
          ],
        },
      },
    },
  });
  assert.equal(nodeAffinity.filter(s(), req, a).code, "UnschedulableAndUnresolvable");
  assert.equal(nodeAffinity.filter(s(), req, b).code, "Success");
  const scores = [nodeAffinity.score(s(), req, a), nodeAffinity.score(s(), req, b)];
  nodeAffinity.normalize?.(s(), req, scores);
  assert.deepEqual(scores, [100, 0]);
});

test("NodePorts: the same hostPort/protocol conflicts unless the host IPs differ", () => {
  const port = (hostPort: number, hostIP?: string, protocol = "TCP") => ({
    containers: [
      { name: "c", ports: [{ containerPort: 80, hostPort, protocol, ...(hostIP ? { hostIP } : {}) }] },
    ],
  });
  const cache = testCache([{ name: "n" }], [{ name: "web", nodeName: "n", spec: port(8080, "10.0.0.1") }]);
  const n = cache.get("n") ?? assert.fail();
  assert.deepEqual(nodePorts.filter(s(), testPodInfo({ name: "a", spec: port(8080) }), n).reasons, [
    "node(s) didn't have free ports for the requested pod ports",
  ]);
  assert.equal(
    nodePorts.filter(s(), testPodInfo({ name: "b", spec: port(8080, "10.0.0.2") }), n).code,
    "Success",
  );
  assert.equal(
    nodePorts.filter(s(), testPodInfo({ name: "c", spec: port(8080, undefined, "UDP") }), n).code,
    "Success",
  );
  assert.equal(nodePorts.filter(s(), testPodInfo({ name: "d", spec: port(9090) }), n).code, "Success");
});

test("ImageLocality prefers the node holding a big image", () => {
  const cache = testCache([
    { name: "has", images: [{ names: ["app:1"], sizeBytes: 500 * 1024 * 1024 }] },
    { name: "lacks" },
  ]);
  const pod = testPodInfo({ name: "p" });
  const state = s();
  assert.equal(imageLocality.preScore(state, pod, cache.nodes, cache).code, "Success");
  assert.ok(imageLocality.score(state, pod, cache.get("has") ?? assert.fail()) > 0);
  assert.equal(imageLocality.score(state, pod, cache.get("lacks") ?? assert.fail()), 0);
  const other = testPodInfo({ name: "o", spec: { containers: [{ name: "c", image: "nothere" }] } });
  assert.equal(imageLocality.preScore(s(), other, cache.nodes, cache).code, "Skip");
});
