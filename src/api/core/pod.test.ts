import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidError, toStatus } from "../errors.ts";
import type { KubeObject } from "../object.ts";
import { podQosClass, pods } from "./pod.ts";

function newPod(): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "nginx", namespace: "default" },
    spec: { containers: [{ name: "nginx", image: "nginx:1.27" }] },
  };
}

function created(): KubeObject {
  const pod = newPod();
  pods.strategy.defaults?.(pod);
  pods.strategy.prepareForCreate?.(pod);
  return pod;
}

describe("pods", () => {
  it("is named and scoped as in discovery", () => {
    assert.equal(pods.resource, "pods");
    assert.deepEqual(pods.shortNames, ["po"]);
    assert.deepEqual(pods.categories, ["all"]);
    assert.ok(pods.hasStatus);
    const eviction = pods.subresources?.find((s) => s.name === "eviction");
    assert.deepEqual(eviction?.kind, { group: "policy", version: "v1", kind: "Eviction" });
    assert.deepEqual(eviction?.verbs, ["create"]);
  });

  it("starts Pending with a QoS class and validates clean", () => {
    const pod = created();
    assert.deepEqual(pod.status, { phase: "Pending", qosClass: "BestEffort" });
    assert.deepEqual(pods.strategy.validate?.(pod), []);
  });

  it("reports an invalid name the way kubectl shows it", () => {
    const pod = created();
    pod.metadata = { name: "Invalid_Name", namespace: "default" };
    const errs = pods.strategy.validate?.(pod) ?? [];
    const status = toStatus(new InvalidError("", "Pod", "Invalid_Name", errs));
    assert.equal(status.code, 422);
    assert.equal(status.reason, "Invalid");
    assert.deepEqual(status.details?.causes, [
      {
        reason: "FieldValueInvalid",
        field: "metadata.name",
        message:
          "Invalid value: \"Invalid_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      },
    ]);
  });

  it("allows image and toleration additions on update, forbids other spec changes", () => {
    const old = created();
    const next = structuredClone(old);
    const spec = next.spec as { containers: { image: string; env?: unknown[] }[]; tolerations?: unknown[] };
    spec.containers[0]!.image = "nginx:1.28";
    spec.tolerations = [{ key: "k", operator: "Exists", effect: "NoSchedule" }];
    assert.deepEqual(pods.strategy.validateUpdate?.(next, old), []);

    spec.containers[0]!.env = [{ name: "A", value: "1" }];
    const errs = pods.strategy.validateUpdate?.(next, old) ?? [];
    assert.equal(errs.length, 1);
    assert.equal(errs[0]?.type, "FieldValueForbidden");
    assert.equal(errs[0]?.field, "spec");
    assert.match(
      errs[0]?.detail ?? "",
      /^pod updates may not change fields other than `spec.containers\[\*\].image`,`spec.initContainers\[\*\].image`,`spec.activeDeadlineSeconds`/,
    );
  });

  it("forbids removing tolerations and raising activeDeadlineSeconds", () => {
    const old = created();
    (old.spec as Record<string, unknown>).tolerations = [{ key: "k", operator: "Exists" }];
    (old.spec as Record<string, unknown>).activeDeadlineSeconds = 10;
    const next = structuredClone(old);
    (next.spec as Record<string, unknown>).tolerations = [];
    (next.spec as Record<string, unknown>).activeDeadlineSeconds = 20;
    const errs = pods.strategy.validateUpdate?.(next, old) ?? [];
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ["FieldValueInvalid", "spec.activeDeadlineSeconds"],
        ["FieldValueForbidden", "spec.tolerations"],
      ],
    );
  });

  it("computes QoS classes", () => {
    const c = (resources: object) => ({ containers: [{ name: "a", image: "x", resources }] });
    assert.equal(podQosClass(c({})), "BestEffort");
    assert.equal(podQosClass(c({ requests: { cpu: "100m" } })), "Burstable");
    assert.equal(podQosClass(c({ limits: { cpu: "1", memory: "1Gi" } })), "Guaranteed");
    assert.equal(
      podQosClass(c({ limits: { cpu: "1", memory: "1Gi" }, requests: { cpu: "500m" } })),
      "Burstable",
    );
  });

  it("selects by the fields Kubernetes supports", () => {
    const pod = created();
    (pod.spec as Record<string, unknown>).nodeName = "node-1";
    const f = pods.strategy.fieldSelectors ?? {};
    assert.equal(f["spec.nodeName"]?.(pod), "node-1");
    assert.equal(f["status.phase"]?.(pod), "Pending");
    assert.equal(f["spec.restartPolicy"]?.(pod), "Always");
    assert.equal(f["spec.schedulerName"]?.(pod), "default-scheduler");
    assert.equal(f["spec.serviceAccountName"]?.(pod), "default");
    assert.equal(f["spec.hostNetwork"]?.(pod), "false");
    assert.equal(f["status.podIP"]?.(pod), "");
    assert.equal(f["status.nominatedNodeName"]?.(pod), "");
  });
});
