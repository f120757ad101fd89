import assert from "node:assert/strict";
import { test } from "node:test";
import { parseLine, parseResourceMetrics, parseResourceMetricsByNode } from "./prometheus.ts";

// The shape an upstream kubelet 1.32 serves at /metrics/resource (trimmed).
const kubeletText = `# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
# TYPE container_cpu_usage_seconds_total counter
container_cpu_usage_seconds_total{container="coredns",namespace="kube-system",pod="coredns-5d78c9869d-8x2xk"} 13.063327 1692976461463
# HELP container_memory_working_set_bytes [STABLE] Current working set of the container in bytes
# TYPE container_memory_working_set_bytes gauge
container_memory_working_set_bytes{container="coredns",namespace="kube-system",pod="coredns-5d78c9869d-8x2xk"} 1.4716928e+07 1692976461463
container_start_time_seconds{container="coredns",namespace="kube-system",pod="coredns-5d78c9869d-8x2xk"} 1.6929598e+09 1692959800000
# HELP node_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the node in core-seconds
# TYPE node_cpu_usage_seconds_total counter
node_cpu_usage_seconds_total 1234.5 1692976461000
node_memory_working_set_bytes 1.073741824e+09 1692976461000
pod_cpu_usage_seconds_total{namespace="kube-system",pod="coredns-5d78c9869d-8x2xk"} 13.5 1692976461463
# HELP scrape_error [ALPHA] 1 if there was an error while getting container metrics, 0 otherwise
# TYPE scrape_error gauge
scrape_error 0
`;

test("reads node and container samples with their timestamps", () => {
  const s = parseResourceMetrics(kubeletText, 1);
  assert.deepEqual(s.nodeCpu, { value: 1234.5, timestampMs: 1692976461000 });
  assert.deepEqual(s.nodeMemory, { value: 1073741824, timestampMs: 1692976461000 });
  assert.equal(s.scrapeError, false);
  const c = s.containers.get("kube-system/coredns-5d78c9869d-8x2xk/coredns");
  assert.equal(c?.cpu?.value, 13.063327);
  assert.equal(c?.memory?.value, 14716928);
  assert.equal(c?.startTime, 1692959800);
  assert.equal(s.containers.size, 1);
});

test("missing timestamps take the scrape time; escaped label values are read", () => {
  const s = parseResourceMetrics(
    'container_cpu_usage_seconds_total{container="a\\"b",namespace="n",pod="p"} 2\nscrape_error 1\n',
    42,
  );
  assert.deepEqual(s.containers.get('n/p/a"b')?.cpu, { value: 2, timestampMs: 42 });
  assert.equal(s.scrapeError, true);
});

test("unreadable lines are skipped", () => {
  assert.equal(parseLine("# comment"), undefined);
  assert.equal(parseLine('x{a="1} 2'), undefined);
  assert.equal(parseLine("x notanumber"), undefined);
  assert.deepEqual(parseLine("x 1e3"), { name: "x", labels: {}, value: 1000 });
});

test("a hollow batch splits by the node label", () => {
  const byNode = parseResourceMetricsByNode(
    [
      'node_cpu_usage_seconds_total{node="a"} 1 10',
      'node_cpu_usage_seconds_total{node="b"} 2 10',
      'container_cpu_usage_seconds_total{container="c",namespace="n",node="b",pod="p"} 3 10',
      "node_cpu_usage_seconds_total 9 10",
    ].join("\n"),
    0,
  );
  assert.deepEqual([...byNode.keys()], ["a", "b"]);
  assert.equal(byNode.get("a")?.nodeCpu?.value, 1);
  assert.equal(byNode.get("b")?.containers.get("n/p/c")?.cpu?.value, 3);
  assert.equal(byNode.get("a")?.containers.size, 0);
});
