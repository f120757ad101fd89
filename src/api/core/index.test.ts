import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Registry } from "../registry.ts";
import { coreV1Resources } from "./index.ts";

describe("coreV1Resources", () => {
  it("lists the core kinds alphabetically with discovery names", () => {
    const names = coreV1Resources.map((d) => d.resource);
    assert.deepEqual(names, [...names].sort());
    const short = Object.fromEntries(coreV1Resources.map((d) => [d.resource, d.shortNames ?? []]));
    assert.deepEqual(short, {
      configmaps: ["cm"],
      endpoints: ["ep"],
      events: ["ev"],
      limitranges: ["limits"],
      namespaces: ["ns"],
      nodes: ["no"],
      persistentvolumeclaims: ["pvc"],
      persistentvolumes: ["pv"],
      pods: ["po"],
      podtemplates: [],
      replicationcontrollers: ["rc"],
      resourcequotas: ["quota"],
      secrets: [],
      serviceaccounts: ["sa"],
      services: ["svc"],
    });
    const all = coreV1Resources.filter((d) => d.categories?.includes("all")).map((d) => d.resource);
    assert.deepEqual(all, ["pods", "replicationcontrollers", "services"]);
    const clusterScoped = coreV1Resources.filter((d) => !d.namespaced).map((d) => d.resource);
    assert.deepEqual(clusterScoped, ["namespaces", "nodes", "persistentvolumes"]);
  });

  it("registers cleanly, every table starting with its name column or Last Seen", () => {
    const registry = new Registry().add(...coreV1Resources);
    assert.equal(registry.kind("", "v1", "Pod")?.resource, "pods");
    for (const def of coreV1Resources) {
      assert.equal(def.group, "");
      assert.equal(def.version, "v1");
      const first = def.strategy.table?.columns[0]?.name;
      assert.ok(first === "Name" || (def.resource === "events" && first === "Last Seen"), def.resource);
      assert.ok(
        def.strategy.table?.columns.some((c) => c.format === "name"),
        def.resource,
      );
    }
  });
});
