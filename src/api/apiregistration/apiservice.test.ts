import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type APIService, apiservices } from "./apiservice.ts";

describe("apiservices", () => {
  const s = apiservices.strategy;
  const svc = (): APIService => ({
    metadata: { name: "v1beta1.metrics.k8s.io", creationTimestamp: "2024-01-01T00:00:00Z" },
    spec: {
      group: "metrics.k8s.io",
      version: "v1beta1",
      service: { namespace: "kube-system", name: "metrics-server" },
      groupPriorityMinimum: 100,
      versionPriority: 100,
      insecureSkipTLSVerify: true,
    },
  });
  it("validates the name and priorities, defaults the port", () => {
    const a = svc();
    s.defaults?.(a);
    assert.equal(a.spec?.service?.port, 443);
    assert.deepEqual(s.validate?.(a), []);
    const bad = svc();
    if (bad.metadata) bad.metadata.name = "v1.other";
    if (bad.spec) bad.spec.groupPriorityMinimum = 0;
    assert.deepEqual(
      (s.validate?.(bad) ?? []).map((e) => `${e.type} ${e.field}`),
      ["FieldValueInvalid metadata.name", "FieldValueInvalid spec.groupPriorityMinimum"],
    );
  });
  it("prints Service and Available", () => {
    const a = svc();
    a.status = {
      conditions: [
        {
          type: "Available",
          status: "False",
          reason: "MissingEndpoints",
          message: "",
          lastTransitionTime: "",
        },
      ],
    };
    const now = new Date("2024-01-01T00:00:03Z");
    assert.deepEqual(s.table?.cells(a, now), [
      "v1beta1.metrics.k8s.io",
      "kube-system/metrics-server",
      "False (MissingEndpoints)",
      "3s",
    ]);
    const local: APIService = {
      metadata: { name: "v1.apps", creationTimestamp: "2024-01-01T00:00:00Z" },
      spec: { group: "apps", version: "v1" },
    };
    local.status = {
      conditions: [
        { type: "Available", status: "True", reason: "Local", message: "", lastTransitionTime: "" },
      ],
    };
    assert.deepEqual(s.table?.cells(local, now), ["v1.apps", "Local", "True", "3s"]);
  });
});
