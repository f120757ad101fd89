// The scheduling cycle alone, in-process (no API server, no HTTP): the default framework over a
// cache of N nodes, P plain pods then A pods with required anti-affinity by hostname, each assumed
// on its node as the scheduler does. Prints JSON with CPU ms per pod — the part of
// bench/scheduler's "scheduler" figure that is not the HTTPS client.
// Usage: node --import tsx bench/scheduler-cycle.ts [--nodes 5000] [--pods 10000] [--affinity-pods 1000]
import { newPodInfo } from "../src/scheduler/nodeinfo.ts";
import { defaultFramework } from "../src/scheduler/plugins/index.ts";
import { testCache, testPod } from "../src/scheduler/testing.ts";

const args = process.argv.slice(2);
function flag(name: string, def: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
}

const nodes = flag("nodes", 5000);
const cache = testCache(
  Array.from({ length: nodes }, (_, i) => ({
    name: `n${i}`,
    labels: { "topology.kubernetes.io/zone": `zone-${i % 3}` },
  })),
);
const framework = defaultFramework();

function run(kind: "plain" | "anti", pods: number): Record<string, number | string> {
  const labels = { app: kind };
  const before = process.cpuUsage();
  let evaluated = 0;
  for (let i = 0; i < pods; i++) {
    const info = newPodInfo(
      testPod({
        name: `${kind}-${i}`,
        cpu: "10m",
        memory: "10Mi",
        labels,
        ...(kind === "anti"
          ? {
              spec: {
                affinity: {
                  podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: [
                      { labelSelector: { matchLabels: labels }, topologyKey: "kubernetes.io/hostname" },
                    ],
                  },
                },
              },
            }
          : {}),
      }),
    );
    const result = framework.schedule(info, cache);
    if (result.kind !== "scheduled") throw new Error(`${info.key} did not fit`);
    evaluated += result.evaluated;
    cache.assumePod(info, result.nodeName);
  }
  const cpu = process.cpuUsage(before);
  return {
    kind,
    pods,
    cpu_ms_per_pod: Math.round(((cpu.user + cpu.system) / 1000 / pods) * 1000) / 1000,
    nodes_evaluated_per_pod: Math.round(evaluated / pods),
  };
}

const plain = run("plain", flag("pods", 10_000));
const anti = run("anti", flag("affinity-pods", 1000));
process.stdout.write(
  `${JSON.stringify({ benchmark: "scheduler-cycle", nodes, plain, antiAffinity: anti }, null, 2)}\n`,
);
