import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { groupResources } from "./groups.ts";
import { Registry } from "./registry.ts";

describe("groupResources", () => {
  const defs = groupResources();
  it("registers every resource once, groups in real /apis order", () => {
    const registry = new Registry().add(...defs);
    assert.deepEqual(
      registry.groups().map((g) => `${g.group}:${g.versions.join(",")}`),
      [
        "apiregistration.k8s.io:v1",
        "apps:v1",
        "events.k8s.io:v1",
        "autoscaling:v2,v1",
        "batch:v1",
        "certificates.k8s.io:v1",
        "networking.k8s.io:v1",
        "policy:v1",
        "rbac.authorization.k8s.io:v1",
        "storage.k8s.io:v1",
        "admissionregistration.k8s.io:v1",
        "scheduling.k8s.io:v1",
        "coordination.k8s.io:v1",
        "discovery.k8s.io:v1",
      ],
    );
  });
  it("tags the workloads kubectl get all lists with category all", () => {
    const all = defs.filter((d) => d.categories?.includes("all")).map((d) => `${d.resource}.${d.version}`);
    assert.deepEqual(all.sort(), [
      "cronjobs.v1",
      "daemonsets.v1",
      "deployments.v1",
      "horizontalpodautoscalers.v1",
      "horizontalpodautoscalers.v2",
      "jobs.v1",
      "replicasets.v1",
      "statefulsets.v1",
    ]);
  });
  it("advertises the short names", () => {
    const short = Object.fromEntries(
      defs.filter((d) => d.shortNames).map((d) => [d.resource, d.shortNames?.join(",")]),
    );
    assert.deepEqual(short, {
      certificatesigningrequests: "csr",
      cronjobs: "cj",
      daemonsets: "ds",
      deployments: "deploy",
      events: "ev",
      horizontalpodautoscalers: "hpa",
      ingresses: "ing",
      networkpolicies: "netpol",
      poddisruptionbudgets: "pdb",
      priorityclasses: "pc",
      replicasets: "rs",
      statefulsets: "sts",
      storageclasses: "sc",
    });
  });
  it("gives every table a Name column and as many cells as columns", () => {
    for (const d of defs) {
      const table = d.strategy.table;
      if (!table) continue;
      assert.ok(
        table.columns.some((c) => c.name === "Name" && c.format === "name"),
        d.resource,
      );
      const cells = table.cells(
        { metadata: { name: "x", creationTimestamp: "2024-01-01T00:00:00Z" } } as never,
        new Date(),
      );
      assert.equal(cells.length, table.columns.length, d.resource);
    }
  });
});
