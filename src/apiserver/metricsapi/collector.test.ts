import assert from "node:assert/strict";
import { test } from "node:test";
import type { Node } from "kubernetes-types/core/v1.js";
import type { KubeObject } from "../../api/object.ts";
import type { ResourceDef } from "../../api/resource.ts";
import type { ObjectSource } from "../rest/source.ts";
import { MetricsCollector } from "./collector.ts";
import type { KubeletTarget } from "./scraper.ts";

const nodesDef = { group: "", version: "v1", resource: "nodes", kind: "Node" } as ResourceDef;
const podsDef = { group: "", version: "v1", resource: "pods", kind: "Pod" } as ResourceDef;

const node = (name: string, ready: boolean, labels: Record<string, string> = {}): Node => ({
  metadata: { name, labels },
  status: {
    addresses: [{ type: "InternalIP", address: `10.0.0.${name.length}` }],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
  },
});

function source(nodes: Node[]): ObjectSource {
  return {
    list: async () => ({ items: nodes as KubeObject[], revision: 1 }),
    peek: (_def, namespace, name) => ({ metadata: { name, namespace, labels: { app: name } } }),
    watch: () => ({ close() {} }),
    currentRevision: async () => 1,
  };
}

const text = (t: number, cpu: number) =>
  [
    `node_cpu_usage_seconds_total ${cpu} ${t}`,
    `node_memory_working_set_bytes ${64 * 1024 * 1024} ${t}`,
    `container_cpu_usage_seconds_total{container="c",namespace="ns",pod="p"} ${cpu / 10} ${t}`,
    `container_memory_working_set_bytes{container="c",namespace="ns",pod="p"} 1048576 ${t}`,
  ].join("\n");

test("two scrapes give NodeMetrics and PodMetrics; not-Ready nodes are not scraped", async () => {
  const dialled: KubeletTarget[] = [];
  let round = 0;
  const collector = new MetricsCollector({
    source: source([node("n1", true, { zone: "a" }), node("down", false)]),
    nodes: nodesDef,
    pods: podsDef,
    fetch: async (target) => {
      dialled.push(target);
      return round === 0 ? text(1_000, 10) : text(3_000, 12);
    },
    now: () => 5_000,
  });
  await collector.scrapeOnce();
  assert.deepEqual(collector.listNodeMetrics(), []);
  round = 1;
  await collector.scrapeOnce();
  assert.deepEqual(dialled[0], { host: "10.0.0.2", port: 10250, path: "/metrics/resource" });
  assert.equal(dialled.length, 2);
  assert.deepEqual(collector.nodeMetrics("n1"), {
    kind: "NodeMetrics",
    apiVersion: "metrics.k8s.io/v1beta1",
    metadata: { name: "n1", creationTimestamp: "1970-01-01T00:00:05Z", labels: { zone: "a" } },
    timestamp: "1970-01-01T00:00:03Z",
    window: "2s",
    usage: { cpu: "1", memory: "64Mi" },
  });
  assert.deepEqual(collector.listPodMetrics("ns"), [
    {
      kind: "PodMetrics",
      apiVersion: "metrics.k8s.io/v1beta1",
      metadata: {
        name: "p",
        namespace: "ns",
        creationTimestamp: "1970-01-01T00:00:05Z",
        labels: { app: "p" },
      },
      timestamp: "1970-01-01T00:00:03Z",
      window: "2s",
      containers: [{ name: "c", usage: { cpu: "100m", memory: "1Mi" } }],
    },
  ]);
  assert.deepEqual(collector.listPodMetrics("other"), []);
  assert.equal(collector.podMetrics("ns", "missing"), undefined);
});

test("hollow nodes of one sim are fetched in one batch from its loopback listener", async () => {
  const dialled: KubeletTarget[] = [];
  const errors: string[] = [];
  let round = 0;
  const hollow = (name: string) => node(name, true, { "sim.skiff.dev/stats-port": "4321" });
  const collector = new MetricsCollector({
    source: source([hollow("h-1"), hollow("h-2"), hollow("h-3")]),
    nodes: nodesDef,
    pods: podsDef,
    fetch: async (t) => {
      dialled.push(t);
      round++;
      const at = round * 1000;
      return ["h-1", "h-2"]
        .map(
          (n) =>
            `node_cpu_usage_seconds_total{node="${n}"} ${round} ${at}\nnode_memory_working_set_bytes{node="${n}"} 1024 ${at}\n`,
        )
        .join("");
    },
    onError: (_err, name) => errors.push(name),
  });
  await collector.scrapeOnce();
  await collector.scrapeOnce();
  assert.deepEqual(dialled, [
    { host: "127.0.0.1", port: 4321, path: "/metrics/resource" },
    { host: "127.0.0.1", port: 4321, path: "/metrics/resource" },
  ]);
  assert.deepEqual(
    collector.listNodeMetrics().map((n) => [n.metadata?.name, (n as { usage?: unknown }).usage]),
    [
      ["h-1", { cpu: "1", memory: "1Ki" }],
      ["h-2", { cpu: "1", memory: "1Ki" }],
    ],
  );
  assert.deepEqual(errors, ["h-3", "h-3"]);
});

test("a failing kubelet is reported and leaves the others alone", async () => {
  const errors: string[] = [];
  const collector = new MetricsCollector({
    source: source([node("bad", true), node("good", true)]),
    nodes: nodesDef,
    pods: podsDef,
    fetch: async (t) => {
      if (t.host === "10.0.0.3") throw new Error("refused");
      return text(Date.now(), 1);
    },
    onError: (_err, name) => errors.push(name),
  });
  await collector.scrapeOnce();
  assert.deepEqual(errors, ["bad"]);
});
