import assert from "node:assert/strict";
import { test } from "node:test";
import type { ConfigMap, Pod, Secret } from "kubernetes-types/core/v1.js";
import { containerEnv, type ObjectSource } from "./env.ts";
import { ContainerConfigError } from "./fieldref.ts";

const objects = (cms: ConfigMap[], secrets: Secret[]): ObjectSource => ({
  configMap: async (ns, name) => cms.find((c) => c.metadata?.namespace === ns && c.metadata?.name === name),
  secret: async (ns, name) => secrets.find((s) => s.metadata?.namespace === ns && s.metadata?.name === name),
});

const pod: Pod = {
  metadata: { name: "p", namespace: "ns", uid: "u1", labels: { app: "web" } },
  spec: {
    nodeName: "n1",
    containers: [
      {
        name: "c",
        resources: { limits: { memory: "64Mi" }, requests: { cpu: "250m" } },
        envFrom: [{ configMapRef: { name: "cm" }, prefix: "CM_" }, { secretRef: { name: "s" } }],
        env: [
          { name: "GREETING", value: "hello $(CM_who)" },
          { name: "CM_who", value: "override" },
          { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          { name: "APP", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: "NODE", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          { name: "MEM", valueFrom: { resourceFieldRef: { resource: "limits.memory", divisor: "1Mi" } } },
          { name: "CPU_REQ", valueFrom: { resourceFieldRef: { resource: "requests.cpu", divisor: "1m" } } },
          { name: "CPU_LIM", valueFrom: { resourceFieldRef: { resource: "limits.cpu" } } },
          { name: "KEY", valueFrom: { configMapKeyRef: { name: "cm", key: "who" } } },
          { name: "PASS", valueFrom: { secretKeyRef: { name: "s", key: "password" } } },
          { name: "OPT", valueFrom: { secretKeyRef: { name: "nope", key: "x", optional: true } } },
        ],
      },
    ],
  },
};

test("env: envFrom, then env in order with expansion, valueFrom of every kind", async () => {
  const env = await containerEnv({
    pod,
    container: pod.spec?.containers[0] as NonNullable<Pod["spec"]>["containers"][number],
    objects: objects(
      [{ metadata: { name: "cm", namespace: "ns" }, data: { who: "world", "bad key": "x" } }],
      [
        {
          metadata: { name: "s", namespace: "ns" },
          data: { password: Buffer.from("s3cret").toString("base64") },
        },
      ],
    ),
    allocatable: { cpu: "2", memory: "1Gi" },
    serviceEnv: { KUBERNETES_SERVICE_HOST: "10.43.0.1" },
  });
  const m = Object.fromEntries(env.map((e) => [e.key, e.value]));
  assert.equal(m.KUBERNETES_SERVICE_HOST, "10.43.0.1");
  assert.equal(m.GREETING, "hello world");
  assert.equal(m.CM_who, "override");
  assert.equal(m.password, "s3cret");
  assert.equal(m.POD, "p");
  assert.equal(m.APP, "web");
  assert.equal(m.NODE, "n1");
  assert.equal(m.MEM, "64");
  assert.equal(m.CPU_REQ, "250");
  assert.equal(m.CPU_LIM, "2");
  assert.equal(m.KEY, "world");
  assert.equal(m.PASS, "s3cret");
  assert.equal("OPT" in m, false);
  assert.equal("CM_bad key" in m, false);
});

test("env: a missing ConfigMap is a config error naming it", async () => {
  await assert.rejects(
    containerEnv({
      pod,
      container: {
        name: "c",
        env: [{ name: "X", valueFrom: { configMapKeyRef: { name: "gone", key: "k" } } }],
      },
      objects: objects([], []),
      allocatable: {},
    }),
    (err: unknown) => err instanceof ContainerConfigError && /configmap "gone" not found/.test(err.message),
  );
});
