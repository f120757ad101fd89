import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FieldError } from "../field.ts";
import { type Ingress, ingresses } from "./ingress.ts";
import { type NetworkPolicy, networkpolicies } from "./networkpolicy.ts";

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const meta = { name: "web", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" };

describe("ingresses", () => {
  const ing = (): Ingress => ({
    metadata: meta,
    spec: {
      ingressClassName: "skiff",
      rules: [
        {
          host: "web.example.com",
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { number: 80 } } } },
            ],
          },
        },
      ],
    },
  });
  it("accepts a valid ingress", () => {
    assert.deepEqual(ingresses.strategy.validate?.(ing()), []);
  });
  it("requires pathType, an absolute path, a backend port and rules or a default backend", () => {
    const i = ing();
    const path = i.spec?.rules?.[0]?.http?.paths[0];
    if (path) {
      path.pathType = undefined as never;
      path.backend = { service: { name: "web" } };
    }
    assert.deepEqual(brief(ingresses.strategy.validate?.(i) ?? []), [
      "FieldValueRequired spec.rules[0].http.paths[0].pathType",
      "FieldValueRequired spec.rules[0].http.paths[0].backend.service.port",
    ]);
    const rel = ing();
    const p2 = rel.spec?.rules?.[0]?.http?.paths[0];
    if (p2) p2.path = "api";
    assert.deepEqual(brief(ingresses.strategy.validate?.(rel) ?? []), [
      "FieldValueInvalid spec.rules[0].http.paths[0].path",
    ]);
    assert.deepEqual(brief(ingresses.strategy.validate?.({ metadata: meta, spec: {} }) ?? []), [
      "FieldValueInvalid spec",
    ]);
  });
  it("rejects an IP address as host", () => {
    const i = ing();
    const rule = i.spec?.rules?.[0];
    if (rule) rule.host = "10.0.0.1";
    assert.deepEqual(brief(ingresses.strategy.validate?.(i) ?? []), ["FieldValueInvalid spec.rules[0].host"]);
  });
  it("prints class, hosts, address and ports", () => {
    const i = ing();
    Object.assign(i, { status: { loadBalancer: { ingress: [{ ip: "192.168.1.10" }] } } });
    assert.deepEqual(ingresses.strategy.table?.cells(i, new Date("2024-01-01T00:00:05Z")), [
      "web",
      "skiff",
      "web.example.com",
      "192.168.1.10",
      "80",
      "5s",
    ]);
  });
});

describe("networkpolicies", () => {
  it("defaults policyTypes and port protocols, validates peers", () => {
    const np: NetworkPolicy = {
      metadata: meta,
      spec: {
        podSelector: { matchLabels: { app: "web" } },
        ingress: [{ ports: [{ port: 80 }], from: [{}] }],
      },
    };
    networkpolicies.strategy.defaults?.(np);
    assert.deepEqual(np.spec?.policyTypes, ["Ingress"]);
    assert.equal(np.spec?.ingress?.[0]?.ports?.[0]?.protocol, "TCP");
    assert.deepEqual(brief(networkpolicies.strategy.validate?.(np) ?? []), [
      "FieldValueRequired spec.ingress[0].from[0]",
    ]);
    assert.deepEqual(networkpolicies.strategy.table?.cells(np, new Date("2024-01-01T00:00:05Z")), [
      "web",
      "app=web",
      "5s",
    ]);
  });
});
