// The autoscaler on a real node (containerd, test slot 4): a deployment whose containers spin a
// busy loop while LOAD=1 is scaled up by CPU utilization read from the pods' cgroups (kubelet →
// metrics.k8s.io), and back down once `kubectl set env LOAD=0` rolls out idle pods. The sync period
// is the default 15 s; the HPA's own scaleDown window (15 s) stands in for the 5 min default.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { busybox, type NodeCluster, startNodeCluster } from "../kubelet/agent-support.ts";
import { until } from "./cluster-support.ts";

process.env.SKIFF_METRIC_RESOLUTION = "1s";

let cluster: NodeCluster;

// 150m limit against a 50m request: a spinning pod is at ~300% of its request.
const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: spin}
spec:
  replicas: 1
  selector: {matchLabels: {app: spin}}
  template:
    metadata: {labels: {app: spin}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: spin
        image: ${busybox}
        env: [{name: LOAD, value: "1"}]
        command: ["sh", "-c", "trap 'exit 0' TERM; if [ \\"$LOAD\\" = 1 ]; then while :; do :; done; else while :; do sleep 1; done; fi"]
        resources: {requests: {cpu: 50m}, limits: {cpu: 150m}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: spin}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: spin}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 15}
`;

// biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON
async function json(...args: string[]): Promise<any> {
  return JSON.parse(await cluster.kubectl(...args, "-o", "json"));
}

before(async () => {
  cluster = await startNodeCluster({ index: 4, runtime: "containerd" });
});

after(async () => {
  // The deployment would recreate the pods the harness deletes: remove it (and the HPA) first.
  await cluster?.kubectl("delete", "hpa,deployment", "--all", "--wait=true", "--timeout=60s");
  const left = await cluster?.teardown();
  assert.deepEqual(left ?? [], []);
});

test("a busy loop scales its deployment up to maxReplicas; idle pods bring it back to one", async () => {
  await cluster.apply(manifests);
  const utilization = async (): Promise<number | undefined> => {
    const hpa = await json("get", "horizontalpodautoscalers.v2.autoscaling", "spin");
    return hpa.status?.currentMetrics?.[0]?.resource?.current?.averageUtilization;
  };
  await until(
    async () => ((await json("get", "deployment", "spin")).spec.replicas === 3 ? true : undefined),
    "scale-up to 3",
    3000,
  );
  const hot = await until(utilization, "a reading", 600);
  assert.ok(hot > 50, `utilization ${hot}% under load`);
  // REPLICAS is the count the last sync saw: 3 from the sync after the rescale on.
  const row = await until(
    async () => {
      const line = (await cluster.kubectl("get", "hpa", "spin")).split("\n")[1] ?? "";
      return /\s3\s+\S+$/.test(line) ? line : undefined;
    },
    "REPLICAS 3",
    600,
  );
  assert.match(row, /^spin\s+Deployment\/spin\s+cpu: \d+%\/50%\s+1\s+3\s+3\s+\S+$/);
  const events = await cluster.kubectl("describe", "hpa", "spin");
  assert.match(
    events,
    /SuccessfulRescale\s+.*New size: [23]; reason: cpu resource utilization \(percentage of request\) above target/,
  );

  await cluster.kubectl("set", "env", "deployment/spin", "LOAD=0");
  await until(
    async () => ((await json("get", "deployment", "spin")).spec.replicas === 1 ? true : undefined),
    "scale-down to 1",
    3000,
  );
  assert.match(
    await cluster.kubectl("describe", "hpa", "spin"),
    /New size: 1; reason: All metrics below target/,
  );
  const cool = await until(
    async () => {
      const u = await utilization();
      return u !== undefined && u < 50 ? u : undefined;
    },
    "a low reading",
    600,
  );
  assert.ok(cool < 50, `utilization ${cool}% idle`);
});
