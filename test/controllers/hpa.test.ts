// The HorizontalPodAutoscaler end to end: `skiff server` (embedded controller-manager, the autoscaler
// running as its own service account under RBAC, metrics API scraping every second) with hollow
// nodes whose pods report the usage their `skiff.dev/hollow-usage` annotation asks for, driven by
// the real kubectl: autoscale (1.32 → autoscaling/v2, 1.20 → v1), get/describe hpa, scale-up under
// load to maxReplicas, scale-down after the compressed stabilization window, behavior policies.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { SkiffChild } from "../support/skiff-child.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { until } from "./cluster-support.ts";

const server = new SkiffServer();
let sim: SkiffChild | undefined;
const usageAnnotation = "skiff.dev/hollow-usage";

async function kubectl(args: string[], input?: string, version: "1.32" | "1.20" = "1.32"): Promise<string> {
  const r = await server
    .client(version)
    .run(args, { timeoutMs: 90_000, ...(input === undefined ? {} : { input }) });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}\n${server.log}`);
  return r.stdout;
}

// biome-ignore lint/suspicious/noExplicitAny: tests poke into arbitrary JSON
async function json(args: string[]): Promise<any> {
  return JSON.parse(await kubectl([...args, "-o", "json"]));
}

/** `nodeSelector` that no node has keeps the pods Pending, without usage. */
function deployment(name: string, cpu: string, nodeSelector?: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { [usageAnnotation]: `cpu=${cpu},memory=32Mi` } },
        spec: {
          ...(nodeSelector ? { nodeSelector } : {}),
          containers: [
            { name: "app", image: "busybox", resources: { requests: { cpu: "100m", memory: "64Mi" } } },
          ],
        },
      },
    },
  });
}

/** Sets the usage every pod of the deployment reports (a template change: new pods carry it). */
async function setLoad(name: string, cpu: string): Promise<void> {
  const patch = {
    spec: { template: { metadata: { annotations: { [usageAnnotation]: `cpu=${cpu},memory=32Mi` } } } },
  };
  await kubectl(["patch", "deployment", name, "--type=merge", "-p", JSON.stringify(patch)]);
}

const specReplicas = async (name: string): Promise<number> =>
  (await json(["get", "deployment", name])).spec.replicas as number;

async function hpaRow(name: string): Promise<string> {
  const out = await kubectl(["get", "hpa", name]);
  return out.split("\n")[1] ?? "";
}

async function condition(
  name: string,
  type: string,
): Promise<{ status: string; reason: string; message: string } | undefined> {
  const hpa = await json(["get", "horizontalpodautoscalers.v2.autoscaling", name]);
  return hpa.status?.conditions?.find((c: { type: string }) => c.type === type);
}

before(async () => {
  process.env.SKIFF_METRIC_RESOLUTION = "1s";
  await server.start([
    "--horizontal-pod-autoscaler-sync-period",
    "1s",
    "--horizontal-pod-autoscaler-downscale-stabilization",
    "8s",
  ]);
  sim = await SkiffChild.start(["sim", "--kubeconfig", server.kubeconfig, "--nodes", "2"], "skiff sim ready");
});

after(async () => {
  await sim?.stop();
  await server.stop();
});

test("kubectl autoscale: v2 from 1.32, v1 from 1.20; TARGETS <unknown> before the first reading", async () => {
  await kubectl(["apply", "-f", "-"], deployment("web", "10m"));
  assert.match(
    await kubectl(["autoscale", "deployment", "web", "--cpu-percent=50", "--min=1", "--max=5"]),
    /horizontalpodautoscaler.autoscaling\/web autoscaled/,
  );
  const v2 = await json(["get", "horizontalpodautoscalers.v2.autoscaling", "web"]);
  assert.deepEqual(v2.spec.metrics, [
    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
  ]);
  assert.deepEqual(v2.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "web" });
  assert.match(
    await kubectl(["get", "hpa"]),
    /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/m,
  );
  // The autoscaler (as system:serviceaccount:kube-system:horizontal-pod-autoscaler, under RBAC) read
  // the scale and wrote the status; nothing it asked for was forbidden.
  const able = await until(async () => {
    const c = await condition("web", "AbleToScale");
    return c?.status === "True" ? c : undefined;
  }, "AbleToScale");
  assert.equal(able.reason === "FailedGetScale", false);
  const active = await until(async () => condition("web", "ScalingActive"), "ScalingActive");
  assert.ok(!/forbidden/i.test(active.message), active.message);

  await kubectl(["apply", "-f", "-"], deployment("old", "10m", { "skiff.dev/none": "none" }));
  await kubectl(["autoscale", "deployment", "old", "--cpu-percent=70", "--max=3"], undefined, "1.20");
  const v1 = await json(["get", "horizontalpodautoscalers.v1.autoscaling", "old"]);
  assert.equal(v1.apiVersion, "autoscaling/v1");
  assert.equal(v1.spec.targetCPUUtilizationPercentage, 70);
  // Its one pod stays Pending: no usage, so the autoscaler cannot compute and says why.
  const failed = await until(async () => {
    const c = await condition("old", "ScalingActive");
    return c?.status === "False" ? c : undefined;
  }, "ScalingActive False");
  assert.equal(failed.reason, "FailedGetResourceMetric");
  assert.match(
    failed.message,
    /^the HPA was unable to compute the replica count: failed to get cpu utilization: /,
  );
  assert.match(await hpaRow("old"), /^old\s+Deployment\/old\s+cpu: <unknown>\/70%\s+1\s+3\s+1\s+\S+$/);
  const row120 = (await kubectl(["get", "hpa", "old"], undefined, "1.20")).split("\n")[1] ?? "";
  assert.match(row120, /^old\s+Deployment\/old\s+cpu: <unknown>\/70%\s+1\s+3\s+1\s+\S+$/);
  await kubectl(["delete", "hpa", "old"]);
  await kubectl(["delete", "deployment", "old"]);
});

test("scales up under load to maxReplicas and down after the stabilization window", async () => {
  // 10m of 100m requested: 10% against 50%, one replica is enough.
  await until(
    async () => ((await hpaRow("web")).includes("cpu: 10%/50%") ? true : undefined),
    "a first reading",
  );
  assert.match(await hpaRow("web"), /^web\s+Deployment\/web\s+cpu: 10%\/50%\s+1\s+5\s+1\s+\S+$/);

  await setLoad("web", "200m");
  await until(async () => ((await specReplicas("web")) === 5 ? true : undefined), "scale-up to 5");
  const limited = await until(async () => {
    const c = await condition("web", "ScalingLimited");
    return c?.status === "True" ? c : undefined;
  }, "ScalingLimited");
  assert.deepEqual(limited, {
    ...limited,
    reason: "TooManyReplicas",
    message: "the desired replica count is more than the maximum replica count",
  });
  await until(
    async () => ((await hpaRow("web")).match(/cpu: 200%\/50%\s+1\s+5\s+5\s/) ? true : undefined),
    "TARGETS 200%",
  );

  const described = await kubectl(["describe", "hpa", "web"]);
  assert.match(described, /resource cpu on pods\s+\(as a percentage of request\):\s+200% \(200m\) \/ 50%/);
  assert.match(described, /Min replicas:\s+1/);
  assert.match(described, /Max replicas:\s+5/);
  assert.match(
    described,
    /ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate a replica count from cpu resource utilization \(percentage of request\)/,
  );
  assert.match(described, /ScalingLimited\s+True\s+TooManyReplicas/);
  assert.match(
    described,
    /Normal\s+SuccessfulRescale\s+.*horizontal-pod-autoscaler\s+New size: \d; reason: cpu resource utilization \(percentage of request\) above target/,
  );

  // Load gone: held at 5 through the 8 s window (ScaleDownStabilized), then down to 1.
  await setLoad("web", "5m");
  const held = await until(async () => {
    const c = await condition("web", "AbleToScale");
    return c?.reason === "ScaleDownStabilized" ? c : undefined;
  }, "ScaleDownStabilized");
  assert.equal(
    held.message,
    "recent recommendations were higher than current one, applying the highest recent recommendation",
  );
  assert.equal(await specReplicas("web"), 5);
  await until(async () => ((await specReplicas("web")) === 1 ? true : undefined), "scale-down to 1");
  assert.match(await kubectl(["describe", "hpa", "web"]), /New size: 1; reason: All metrics below target/);

  // A raised minimum lifts the target at once, then limits what the metrics ask for.
  await kubectl(["patch", "hpa", "web", "--type=merge", "-p", '{"spec":{"minReplicas":2}}']);
  await until(async () => ((await specReplicas("web")) === 2 ? true : undefined), "minReplicas 2");
  const few = await until(async () => {
    const c = await condition("web", "ScalingLimited");
    return c?.reason === "TooFewReplicas" ? c : undefined;
  }, "TooFewReplicas");
  assert.deepEqual(
    [few.status, few.message],
    ["True", "the desired replica count is less than the minimum replica count"],
  );
  assert.match(
    await kubectl(["describe", "hpa", "web"]),
    /New size: 2; reason: Current number of replicas below Spec.MinReplicas/,
  );
});

test("behavior: one pod per minute up, scale-down disabled", async () => {
  await kubectl(["apply", "-f", "-"], deployment("api", "300m"));
  const hpa = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "api" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      minReplicas: 1,
      maxReplicas: 6,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ],
      behavior: {
        scaleUp: { policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] },
        scaleDown: { selectPolicy: "Disabled" },
      },
    },
  };
  await kubectl(["apply", "-f", "-"], JSON.stringify(hpa));
  const stored = await json(["get", "horizontalpodautoscalers.v2.autoscaling", "api"]);
  // Defaults fill the rest of the rules; the scale-down window stays unset (the controller's flag).
  assert.deepEqual(stored.spec.behavior.scaleUp, {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [{ type: "Pods", value: 1, periodSeconds: 60 }],
  });
  assert.deepEqual(stored.spec.behavior.scaleDown, {
    selectPolicy: "Disabled",
    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
  });
  await until(async () => ((await specReplicas("api")) === 2 ? true : undefined), "first step to 2");
  const limited = await until(async () => {
    const c = await condition("api", "ScalingLimited");
    return c?.reason === "ScaleUpLimit" ? c : undefined;
  }, "ScaleUpLimit");
  assert.equal(limited.message, "the desired replica count is increasing faster than the maximum scale rate");
  assert.equal(await specReplicas("api"), 2);

  await setLoad("api", "5m");
  const down = await until(async () => {
    const c = await condition("api", "ScalingLimited");
    return c?.reason === "ScaleDownLimit" ? c : undefined;
  }, "ScaleDownLimit");
  assert.equal(down.status, "True");
  assert.equal(await specReplicas("api"), 2);
});
