import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PodSpec, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import {
  defaultPodOnlyFields,
  defaultPodSpec,
  defaultPodTemplateSpec,
  imageTag,
} from "./podspec-defaults.ts";

describe("pod spec defaults", () => {
  it("gives a minimal spec every kubectl-visible default", () => {
    const spec: PodSpec = { containers: [{ name: "nginx", image: "nginx", ports: [{ containerPort: 80 }] }] };
    defaultPodSpec(spec);
    defaultPodOnlyFields(spec);
    assert.deepEqual(spec, {
      containers: [
        {
          name: "nginx",
          image: "nginx",
          ports: [{ containerPort: 80, protocol: "TCP" }],
          imagePullPolicy: "Always",
          terminationMessagePath: "/dev/termination-log",
          terminationMessagePolicy: "File",
          resources: {},
        },
      ],
      dnsPolicy: "ClusterFirst",
      restartPolicy: "Always",
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: "default-scheduler",
      enableServiceLinks: true,
      serviceAccountName: "default",
      serviceAccount: "default",
      priority: 0,
      preemptionPolicy: "PreemptLowerPriority",
    });
  });

  it("chooses the pull policy from the tag", () => {
    assert.equal(imageTag("nginx"), "latest");
    assert.equal(imageTag("nginx:1.27"), "1.27");
    assert.equal(imageTag("localhost:5000/app"), "latest");
    assert.equal(imageTag("localhost:5000/app:v2"), "v2");
    assert.equal(imageTag("nginx@sha256:abc"), "");
    const spec: PodSpec = {
      containers: [
        { name: "a", image: "nginx:1.27" },
        { name: "b", image: "nginx:latest" },
      ],
    };
    defaultPodSpec(spec);
    assert.deepEqual(
      spec.containers.map((c) => c.imagePullPolicy),
      ["IfNotPresent", "Always"],
    );
  });

  it("defaults volumes, probes and env field refs", () => {
    const spec: PodSpec = {
      containers: [
        {
          name: "a",
          image: "x:1",
          env: [{ name: "N", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
          readinessProbe: { httpGet: { port: 80 } },
        },
      ],
      volumes: [{ name: "v" }, { name: "s", secret: { secretName: "s" } }],
    };
    defaultPodSpec(spec);
    assert.deepEqual(spec.volumes, [
      { name: "v", emptyDir: {} },
      { name: "s", secret: { secretName: "s", defaultMode: 420 } },
    ]);
    assert.equal(spec.containers[0]?.env?.[0]?.valueFrom?.fieldRef?.apiVersion, "v1");
    assert.deepEqual(spec.containers[0]?.readinessProbe, {
      httpGet: { port: 80, path: "/", scheme: "HTTP" },
      timeoutSeconds: 1,
      periodSeconds: 10,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it("writes quantities in canonical form", () => {
    const limits = { cpu: 0.5, memory: "1024Mi", "ephemeral-storage": "lots" } as unknown as Record<
      string,
      string
    >;
    const spec: PodSpec = {
      containers: [{ name: "a", image: "x:1", resources: { limits, requests: { cpu: "1000m" } } }],
    };
    defaultPodSpec(spec);
    assert.deepEqual(spec.containers[0]?.resources, {
      limits: { cpu: "500m", memory: "1Gi", "ephemeral-storage": "lots" },
      requests: { cpu: "1" },
    });
  });

  it("copies limits to missing requests for pods only", () => {
    const spec: PodSpec = {
      containers: [
        { name: "a", image: "x:1", resources: { limits: { cpu: "1" }, requests: { memory: "1Gi" } } },
      ],
    };
    defaultPodSpec(spec);
    defaultPodOnlyFields(spec);
    assert.deepEqual(spec.containers[0]?.resources?.requests, { memory: "1Gi", cpu: "1" });
    const template: PodTemplateSpec = {
      spec: { containers: [{ name: "a", image: "x:1", resources: { limits: { cpu: "1" } } }] },
    };
    defaultPodTemplateSpec(template);
    assert.equal(template.spec?.containers[0]?.resources?.requests, undefined);
    assert.equal(template.spec?.enableServiceLinks, undefined);
  });
});
