import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../object.ts";
import { services } from "./service.ts";

const now = new Date("2024-05-01T12:00:00Z");

function svc(spec: Record<string, unknown>): KubeObject {
  const s: KubeObject = {
    metadata: { name: "web", namespace: "default", creationTimestamp: "2024-05-01T11:00:00Z" },
    spec,
  };
  services.strategy.defaults?.(s);
  return s;
}

const causes = (obj: KubeObject) => (services.strategy.validate?.(obj) ?? []).map((e) => [e.type, e.field]);

describe("services", () => {
  it("defaults type, ports and policies", () => {
    const s = svc({ selector: { app: "web" }, ports: [{ port: 80 }] });
    assert.deepEqual(s.spec, {
      selector: { app: "web" },
      ports: [{ port: 80, protocol: "TCP", targetPort: 80 }],
      type: "ClusterIP",
      sessionAffinity: "None",
      internalTrafficPolicy: "Cluster",
      ipFamilyPolicy: "SingleStack",
      ipFamilies: ["IPv4"],
    });
    const np = svc({ type: "NodePort", ports: [{ port: 80, targetPort: "http" }] });
    assert.equal((np.spec as Record<string, unknown>).externalTrafficPolicy, "Cluster");
    assert.deepEqual((np.spec as { ports: unknown[] }).ports, [
      { port: 80, targetPort: "http", protocol: "TCP" },
    ]);
  });

  it("validates a good service and rejects bad ones", () => {
    assert.deepEqual(causes(svc({ ports: [{ port: 80 }], selector: { app: "web" } })), []);
    assert.deepEqual(causes(svc({})), [["FieldValueRequired", "spec.ports"]]);
    assert.deepEqual(causes(svc({ clusterIP: "None" })), [], "headless services need no ports");
    assert.deepEqual(
      causes(svc({ ports: [{ port: 80 }, { name: "b", port: 70000 }, { name: "b", port: 81 }] })),
      [
        ["FieldValueRequired", "spec.ports[0].name"],
        ["FieldValueInvalid", "spec.ports[1].port"],
        ["FieldValueInvalid", "spec.ports[1].targetPort"],
        ["FieldValueDuplicate", "spec.ports[2].name"],
      ],
    );
    assert.deepEqual(causes(svc({ type: "NodePort", ports: [{ port: 80, nodePort: 80 }] })), [
      ["FieldValueInvalid", "spec.ports[0].nodePort"],
    ]);
    assert.deepEqual(causes(svc({ ports: [{ port: 80, nodePort: 30080 }] })), [
      ["FieldValueForbidden", "spec.ports[0].nodePort"],
    ]);
    assert.deepEqual(causes(svc({ type: "Magic", ports: [{ port: 80 }] })), [
      ["FieldValueNotSupported", "spec.type"],
    ]);
    assert.deepEqual(causes(svc({ type: "ExternalName" })), [["FieldValueRequired", "spec.externalName"]]);
    assert.deepEqual(causes(svc({ ports: [{ port: 80 }], selector: { "bad key": "x" } })), [
      ["FieldValueInvalid", "spec.selector"],
    ]);
    const badName = svc({ ports: [{ port: 80 }] });
    badName.metadata = { name: "1web", namespace: "default" };
    assert.deepEqual(causes(badName), [["FieldValueInvalid", "metadata.name"]]);
  });

  it("keeps clusterIP immutable", () => {
    const old = svc({ ports: [{ port: 80 }], clusterIP: "10.96.0.10" });
    const next = svc({ ports: [{ port: 80 }], clusterIP: "10.96.0.11" });
    const errs = services.strategy.validateUpdate?.(next, old) ?? [];
    assert.deepEqual(
      errs.map((e) => [e.field, e.detail]),
      [["spec.clusterIP", "field is immutable"]],
    );
  });

  it("keeps allocated clusterIP and nodePorts when an update omits them", () => {
    const old = svc({
      type: "NodePort",
      clusterIP: "10.96.0.10",
      clusterIPs: ["10.96.0.10"],
      ports: [{ port: 80, nodePort: 30080 }],
    });
    const next = svc({ type: "NodePort", ports: [{ port: 80 }] });
    services.strategy.prepareForUpdate?.(next, old);
    const spec = next.spec as { clusterIP: string; clusterIPs: string[]; ports: { nodePort?: number }[] };
    assert.equal(spec.clusterIP, "10.96.0.10");
    assert.deepEqual(spec.clusterIPs, ["10.96.0.10"]);
    assert.equal(spec.ports[0]?.nodePort, 30080);
    assert.deepEqual(services.strategy.validateUpdate?.(next, old), []);
  });

  it("prints kubectl's columns", () => {
    const s = svc({
      type: "NodePort",
      clusterIP: "10.96.1.2",
      selector: { app: "web", tier: "fe" },
      ports: [{ port: 80, nodePort: 30080 }],
    });
    assert.deepEqual(services.strategy.table?.cells(s, now), [
      "web",
      "NodePort",
      "10.96.1.2",
      "<none>",
      "80:30080/TCP",
      "60m",
      "app=web,tier=fe",
    ]);
    const lb = svc({ type: "LoadBalancer", clusterIP: "10.96.1.3", ports: [{ port: 443 }] });
    assert.deepEqual(services.strategy.table?.cells(lb, now).slice(3, 5), ["<pending>", "443/TCP"]);
    const ext = svc({ type: "ExternalName", externalName: "example.com" });
    assert.deepEqual(services.strategy.table?.cells(ext, now).slice(1, 5), [
      "ExternalName",
      "<none>",
      "example.com",
      "<none>",
    ]);
  });
});
