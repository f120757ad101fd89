import assert from "node:assert/strict";
import { test } from "node:test";
import type { Secret, Service } from "kubernetes-types/core/v1.js";
import type { EndpointSlice } from "kubernetes-types/discovery/v1.js";
import type { Ingress, IngressClass } from "kubernetes-types/networking/v1.js";
import type { Backend } from "./backends.ts";
import { buildRoutingTable, certificateFor, route, type TableInput } from "./table.ts";

const skiffClass: IngressClass = {
  metadata: { name: "skiff", annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } },
  spec: { controller: "skiff.dev/ingress" },
};
const otherClass: IngressClass = {
  metadata: { name: "nginx" },
  spec: { controller: "k8s.io/ingress-nginx" },
};

function service(name: string, ports: { name?: string; port: number }[]): Service {
  return { metadata: { namespace: "default", name }, spec: { clusterIP: "10.43.0.9", ports } };
}

function slice(
  svc: string,
  port: number,
  eps: { ip: string; ready?: boolean }[],
  portName = "http",
): EndpointSlice {
  return {
    metadata: { namespace: "default", name: `${svc}-x`, labels: { "kubernetes.io/service-name": svc } },
    addressType: "IPv4",
    ports: [{ name: portName, port, protocol: "TCP" }],
    endpoints: eps.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true } })),
  };
}

function ingress(name: string, spec: Ingress["spec"], created = "2026-01-01T00:00:00Z"): Ingress {
  return { metadata: { namespace: "default", name, creationTimestamp: created }, spec };
}

const svcBackend = (name: string, port: number | string) => ({
  service: { name, port: typeof port === "number" ? { number: port } : { name: port } },
});

function input(ingresses: Ingress[], extra: Partial<TableInput> = {}): TableInput {
  return {
    ingressClasses: [skiffClass, otherClass],
    ingresses,
    services: [service("a", [{ name: "http", port: 80 }]), service("b", [{ name: "web", port: 8080 }])],
    endpointSlices: [
      slice("a", 8080, [{ ip: "10.0.0.2" }, { ip: "10.0.0.1" }, { ip: "10.0.0.3", ready: false }]),
      slice("b", 9090, [{ ip: "10.0.1.1" }], "web"),
    ],
    secrets: [],
    ...extra,
  };
}

function targets(b: Backend | undefined): string[] {
  assert.equal(b?.kind, "service", JSON.stringify(b));
  return b?.kind === "service" ? b.targets.map((t) => `${t.host}:${t.port}`) : [];
}

test("paths route to the ready endpoints of the service port, by number or by name", () => {
  const t = buildRoutingTable(
    input([
      ingress("i", {
        ingressClassName: "skiff",
        rules: [
          {
            http: {
              paths: [
                { path: "/a", pathType: "Prefix", backend: svcBackend("a", 80) },
                { path: "/b", pathType: "Exact", backend: svcBackend("b", "web") },
              ],
            },
          },
        ],
      }),
    ]),
  );
  assert.deepEqual(targets(route(t, "any.host", "/a/x")), ["10.0.0.1:8080", "10.0.0.2:8080"]);
  assert.deepEqual(targets(route(t, "", "/b")), ["10.0.1.1:9090"]);
  assert.equal(route(t, "", "/b/x"), undefined, "Exact does not match below");
  assert.equal(route(t, "", "/"), undefined);
  assert.deepEqual(t.ingresses, ["default/i"]);
});

test("only Ingresses of our class (or without a class, while ours is the default) are served", () => {
  const rules = [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: svcBackend("a", 80) }] } }];
  const t = buildRoutingTable(
    input([
      ingress("ours", { ingressClassName: "skiff", rules }),
      ingress("theirs", { ingressClassName: "nginx", rules }),
      ingress("classless", { rules }),
    ]),
  );
  assert.deepEqual(t.ingresses, ["default/classless", "default/ours"]);
  const notDefault = buildRoutingTable({
    ...input([ingress("classless", { rules })]),
    ingressClasses: [{ ...skiffClass, metadata: { name: "skiff" } }],
  });
  assert.deepEqual(notDefault.ingresses, []);
});

test("an exact host beats its wildcard, a wildcard covers one label, then host-less rules and the default backend", () => {
  const t = buildRoutingTable(
    input([
      ingress("hosts", {
        ingressClassName: "skiff",
        defaultBackend: svcBackend("b", "web"),
        rules: [
          {
            host: "x.example.com",
            http: { paths: [{ path: "/", pathType: "Prefix", backend: svcBackend("a", 80) }] },
          },
          {
            host: "*.example.com",
            http: { paths: [{ path: "/", pathType: "Prefix", backend: svcBackend("b", "web") }] },
          },
          { http: { paths: [{ path: "/shared", pathType: "Prefix", backend: svcBackend("a", 80) }] } },
        ],
      }),
    ]),
  );
  assert.deepEqual(targets(route(t, "x.example.com", "/")), ["10.0.0.1:8080", "10.0.0.2:8080"]);
  assert.deepEqual(targets(route(t, "y.example.com", "/")), ["10.0.1.1:9090"]);
  assert.deepEqual(targets(route(t, "a.y.example.com", "/shared")), ["10.0.0.1:8080", "10.0.0.2:8080"]);
  assert.deepEqual(targets(route(t, "a.y.example.com", "/else")), ["10.0.1.1:9090"], "default backend");
});

test("the older Ingress wins a conflict; longest path wins across Ingresses", () => {
  const t = buildRoutingTable(
    input([
      ingress(
        "newer",
        {
          rules: [{ http: { paths: [{ path: "/x", pathType: "Prefix", backend: svcBackend("b", "web") }] } }],
        },
        "2026-02-01T00:00:00Z",
      ),
      ingress(
        "older",
        {
          rules: [
            {
              http: {
                paths: [
                  { path: "/x", pathType: "Prefix", backend: svcBackend("a", 80) },
                  { path: "/", pathType: "Prefix", backend: svcBackend("b", "web") },
                ],
              },
            },
          ],
        },
        "2026-01-01T00:00:00Z",
      ),
    ]),
  );
  assert.deepEqual(targets(route(t, "h", "/x/y")), ["10.0.0.1:8080", "10.0.0.2:8080"]);
  assert.deepEqual(targets(route(t, "h", "/y")), ["10.0.1.1:9090"]);
});

test("backends that cannot be served answer with an error status", () => {
  const t = buildRoutingTable(
    input([
      ingress("e", {
        ingressClassName: "skiff",
        rules: [
          {
            http: {
              paths: [
                { path: "/missing", pathType: "Prefix", backend: svcBackend("nope", 80) },
                { path: "/badport", pathType: "Prefix", backend: svcBackend("a", 81) },
                {
                  path: "/res",
                  pathType: "Prefix",
                  backend: { resource: { apiGroup: "k8s.example.com", kind: "StorageBucket", name: "b" } },
                },
              ],
            },
          },
        ],
      }),
    ]),
  );
  for (const p of ["/missing", "/badport", "/res"]) {
    const b = route(t, "", p);
    assert.equal(b?.kind, "error", p);
    assert.equal(b?.kind === "error" && b.status, 503, p);
  }
});

test("TLS certificates come from the Ingress's secrets by host, wildcard included", () => {
  const secret = (name: string, crt: string): Secret => ({
    metadata: { namespace: "default", name, resourceVersion: "7" },
    type: "kubernetes.io/tls",
    data: {
      "tls.crt": Buffer.from(crt).toString("base64"),
      "tls.key": Buffer.from("KEY").toString("base64"),
    },
  });
  const t = buildRoutingTable(
    input(
      [
        ingress("tls", {
          ingressClassName: "skiff",
          tls: [
            { hosts: ["a.example.com"], secretName: "a-cert" },
            { hosts: ["*.w.example.com"], secretName: "w-cert" },
            { hosts: ["gone.example.com"], secretName: "missing" },
          ],
          rules: [
            {
              host: "a.example.com",
              http: { paths: [{ path: "/", pathType: "Prefix", backend: svcBackend("a", 80) }] },
            },
          ],
        }),
      ],
      { secrets: [secret("a-cert", "CERT-A"), secret("w-cert", "CERT-W")] },
    ),
  );
  assert.equal(certificateFor(t, "A.example.com")?.cert, "CERT-A");
  assert.equal(certificateFor(t, "x.w.example.com")?.cert, "CERT-W");
  assert.equal(certificateFor(t, "x.y.w.example.com"), undefined);
  assert.equal(certificateFor(t, "gone.example.com"), undefined);
  assert.equal(certificateFor(t, "a.example.com")?.source, "default/a-cert@7");
  assert.equal(t.problems.length, 1);
});
