import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { formatUsage, missingComputeResources, objectUsage, podUsage, quotaTracks } from "./quota-usage.ts";

const pod: Pod = {
  spec: {
    initContainers: [{ name: "init", resources: { requests: { cpu: "2" } } }],
    containers: [
      { name: "a", resources: { requests: { cpu: "500m", memory: "64Mi" }, limits: { cpu: "1" } } },
      { name: "b", resources: { requests: { cpu: "250m" } } },
    ],
  },
};

test("pod usage: max(sum of containers, largest init container), counts, terminal pods free", () => {
  const u = podUsage(pod);
  assert.equal(u.get("pods")?.toString(), "1");
  assert.equal(u.get("requests.cpu")?.toString(), "2");
  assert.equal(u.get("cpu")?.toString(), "2");
  assert.equal(u.get("requests.memory")?.toString(), "64Mi");
  assert.equal(u.get("limits.cpu")?.toString(), "1");
  assert.equal(podUsage({ ...pod, status: { phase: "Succeeded" } }).size, 0);
  assert.equal(formatUsage(u, ["requests.cpu", "pods"]), "pods=1,requests.cpu=2");
});

test("containers lacking a constrained resource are named", () => {
  assert.deepEqual(
    missingComputeResources(pod, ["limits.cpu", "pods", "requests.cpu"]),
    ["limits.cpu for: init,b", "requests.cpu for: "].filter((m) => !m.endsWith(": ")),
  );
});

test("object counts: count/<resource>.<group>, legacy names, claim storage by class", () => {
  assert.deepEqual([...objectUsage("apps", "deployments", {}).keys()], ["count/deployments.apps"]);
  const claim = objectUsage("", "persistentvolumeclaims", {
    spec: { storageClassName: "fast", resources: { requests: { storage: "5Gi" } } },
  });
  assert.equal(claim.get("persistentvolumeclaims")?.toString(), "1");
  assert.equal(claim.get("requests.storage")?.toString(), "5Gi");
  assert.equal(claim.get("fast.storageclass.storage.k8s.io/requests.storage")?.toString(), "5Gi");
  const svc = objectUsage("", "services", { spec: { type: "NodePort", ports: [{}, {}] } });
  assert.equal(svc.get("services.nodeports")?.toString(), "2");
});

test("scoped quotas track only the pods matching every scope", () => {
  const q = (scopes: string[]) => ({ spec: { scopes } });
  const bestEffort: Pod = { spec: { containers: [{ name: "c" }] } };
  const deadline: Pod = { spec: { activeDeadlineSeconds: 30, containers: [{ name: "c" }] } };
  assert.ok(quotaTracks(q([]), "", "configmaps", {}));
  assert.ok(!quotaTracks(q(["BestEffort"]), "", "configmaps", {}));
  assert.ok(quotaTracks(q(["BestEffort", "NotTerminating"]), "", "pods", bestEffort));
  assert.ok(!quotaTracks(q(["NotBestEffort"]), "", "pods", bestEffort));
  assert.ok(quotaTracks(q(["Terminating"]), "", "pods", deadline));
  assert.ok(!quotaTracks(q(["NotTerminating"]), "", "pods", deadline));
  const byClass = {
    spec: {
      scopeSelector: { matchExpressions: [{ scopeName: "PriorityClass", operator: "In", values: ["high"] }] },
    },
  };
  assert.ok(quotaTracks(byClass, "", "pods", { spec: { priorityClassName: "high", containers: [] } }));
  assert.ok(!quotaTracks(byClass, "", "pods", bestEffort));
});
