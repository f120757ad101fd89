// ResourceQuota and LimitRange with the real kubectl 1.32: the quota controller fills status
// (kubectl describe shows used/hard), the ResourceQuota admission plugin refuses a pod over the
// limit with Kubernetes' 403 wording, and LimitRanger defaults appear on a created pod.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { TestCluster, until } from "./cluster-support.ts";

const cluster = new TestCluster();

before(async () => {
  await cluster.start();
  await cluster.kubectl(["create", "namespace", "team"]);
});

after(async () => {
  await cluster.stop();
});

const pod = (name: string, cpu?: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "team" },
  spec: {
    containers: [
      {
        name: "app",
        image: "nginx",
        ...(cpu ? { resources: { requests: { cpu, memory: "64Mi" }, limits: { cpu, memory: "64Mi" } } } : {}),
      },
    ],
  },
});

const limitRange = (namespace: string, limits: unknown[]) =>
  cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "LimitRange",
      metadata: { name: namespace, namespace },
      spec: { limits },
    }),
  );

test("LimitRange defaults and bounds apply to new pods", async () => {
  await limitRange("team", [
    {
      type: "Container",
      default: { cpu: "500m", memory: "128Mi" },
      defaultRequest: { cpu: "250m", memory: "64Mi" },
      max: { cpu: "1" },
    },
  ]);
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(pod("defaulted")));
  const created = await cluster.json(["get", "pod", "defaulted", "-n", "team"]);
  assert.deepEqual(created.spec.containers[0].resources, {
    requests: { cpu: "250m", memory: "64Mi" },
    limits: { cpu: "500m", memory: "128Mi" },
  });
  assert.equal(
    created.metadata.annotations["kubernetes.io/limit-ranger"],
    "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app",
  );
  const tooBig = await cluster.server.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify(pod("greedy", "2")),
  });
  assert.notEqual(tooBig.code, 0);
  assert.match(
    tooBig.stderr,
    /pods "greedy" is forbidden: maximum cpu usage per Container is 1, but limit is 2/,
  );
});

test("LimitRange types Pod and PersistentVolumeClaim bound the pod's sum and a claim's storage", async () => {
  await cluster.kubectl(["create", "namespace", "bounds"]);
  await limitRange("bounds", [
    { type: "Pod", max: { cpu: "1" } },
    { type: "PersistentVolumeClaim", min: { storage: "1Gi" }, max: { storage: "2Gi" } },
  ]);
  const twoContainers = (name: string, cpu: string) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "bounds" },
    spec: {
      containers: ["a", "b"].map((c) => ({ name: c, image: "nginx", resources: { limits: { cpu } } })),
    },
  });
  // Each container is within 1 CPU, but the pod's sum is not.
  const tooBig = await cluster.server.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify(twoContainers("pair", "600m")),
  });
  assert.notEqual(tooBig.code, 0);
  assert.match(tooBig.stderr, /pods "pair" is forbidden: maximum cpu usage per Pod is 1, but limit is 1200m/);
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(twoContainers("fits", "500m")));

  const claim = (name: string, storage: string) => ({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name, namespace: "bounds" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
  });
  const big = await cluster.server.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify(claim("big", "5Gi")),
  });
  assert.notEqual(big.code, 0);
  assert.match(
    big.stderr,
    /persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi/,
  );
  const small = await cluster.server.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify(claim("small", "100Mi")),
  });
  assert.match(
    small.stderr,
    /persistentvolumeclaims "small" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 100Mi/,
  );
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(claim("right", "1Gi")));
  const grown = await cluster.server.kubectl([
    "patch",
    "pvc",
    "right",
    "-n",
    "bounds",
    "-p",
    '{"spec":{"resources":{"requests":{"storage":"3Gi"}}}}',
  ]);
  assert.notEqual(grown.code, 0);
  assert.match(grown.stderr, /maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 3Gi/);
});

test("the quota controller reports usage and admission refuses a pod over the quota", async () => {
  await cluster.kubectl(
    ["apply", "-f", "-"],
    JSON.stringify({
      apiVersion: "v1",
      kind: "ResourceQuota",
      metadata: { name: "compute", namespace: "team" },
      spec: { hard: { pods: "3", "requests.cpu": "1", "count/deployments.apps": "5" } },
    }),
  );
  const status = await until(async () => {
    const s = (await cluster.json(["get", "resourcequota", "compute", "-n", "team"])).status;
    return s?.used?.pods === "1" ? s : undefined;
  }, "quota status");
  assert.deepEqual(status.used, { pods: "1", "requests.cpu": "250m", "count/deployments.apps": "0" });
  assert.deepEqual(status.hard, { pods: "3", "requests.cpu": "1", "count/deployments.apps": "5" });

  // 250m + 500m fits; another 500m would make 1250m > 1.
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(pod("fits", "500m")));
  const refused = await cluster.server.kubectl(["apply", "-f", "-"], {
    input: JSON.stringify(pod("over", "500m")),
  });
  assert.notEqual(refused.code, 0);
  assert.match(
    refused.stderr,
    /pods "over" is forbidden: exceeded quota: compute, requested: requests\.cpu=500m, used: requests\.cpu=750m, limited: requests\.cpu=1/,
  );
  const describe = await cluster.kubectl(["describe", "quota", "compute", "-n", "team"]);
  assert.match(describe, /requests\.cpu\s+750m\s+1/);
  assert.match(describe, /pods\s+2\s+3/);

  // Deleting a pod gives the room back once the controller recounts.
  await cluster.kubectl(["delete", "pod", "fits", "-n", "team", "--grace-period=0", "--force"]);
  await until(async () => {
    const s = (await cluster.json(["get", "resourcequota", "compute", "-n", "team"])).status;
    return s.used["requests.cpu"] === "250m" ? true : undefined;
  }, "usage back to 250m");
  await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(pod("over", "500m")));
});
