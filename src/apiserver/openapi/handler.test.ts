import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isOpenApiPath, serveOpenApi } from "./handler.ts";
import { protobufContentType } from "./protobuf.ts";
import { testRegistry } from "./testing.ts";

/** Walks parsed JSON: get(doc, "paths", "/x", "patch"). */
function get(value: unknown, ...path: string[]): unknown {
  let v = value;
  for (const key of path) v = v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined;
  return v;
}

describe("serveOpenApi", () => {
  const registry = testRegistry();

  it("v3 index lists every group version with a stable hash", () => {
    const index = serveOpenApi(registry, { path: "/openapi/v3" });
    assert.equal(index?.status, 200);
    const body = JSON.parse(String(index?.body)) as { paths: Record<string, { serverRelativeURL: string }> };
    assert.deepEqual(Object.keys(body.paths), ["api/v1", "apis/apps/v1"]);
    const url = body.paths["apis/apps/v1"]?.serverRelativeURL ?? "";
    assert.match(url, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
    const again = serveOpenApi(registry, { path: "/openapi/v3" });
    assert.equal(again?.body, index?.body);

    const hash = url.split("hash=")[1];
    const doc = serveOpenApi(registry, { path: "/openapi/v3/apis/apps/v1", hash });
    assert.equal(doc?.status, 200);
    assert.equal(doc?.headers["Cache-Control"], "public, immutable");
    assert.equal(doc?.headers.ETag, `"${hash}"`);
    const notModified = serveOpenApi(registry, {
      path: "/openapi/v3/apis/apps/v1",
      ifNoneMatch: `"${hash}"`,
    });
    assert.equal(notModified?.status, 304);
    assert.equal(serveOpenApi(registry, { path: "/openapi/v3/apis/batch/v1" })?.status, 404);
  });

  it("v3 group version document: PATCH advertises fieldValidation and the kind; schemas use components refs", () => {
    const doc: unknown = JSON.parse(
      String(serveOpenApi(registry, { path: "/openapi/v3/apis/apps/v1" })?.body),
    );
    const item = "/apis/apps/v1/namespaces/{namespace}/deployments/{name}";
    const patch = get(doc, "paths", item, "patch");
    assert.deepEqual(get(patch, "x-kubernetes-group-version-kind"), {
      group: "apps",
      version: "v1",
      kind: "Deployment",
    });
    const names = (get(patch, "parameters") as { name: string }[]).map((p) => p.name);
    for (const n of ["dryRun", "fieldManager", "fieldValidation", "force"]) assert.ok(names.includes(n), n);
    assert.ok(get(doc, "paths", `${item}/scale`, "patch"));
    const strategy = get(
      doc,
      "components",
      "schemas",
      "io.k8s.api.apps.v1.DeploymentSpec",
      "properties",
      "strategy",
    );
    assert.deepEqual(get(strategy, "allOf"), [
      { $ref: "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy" },
    ]);
    assert.equal(get(strategy, "x-kubernetes-patch-strategy"), "retainKeys");
    assert.ok(get(doc, "components", "schemas", "io.k8s.api.autoscaling.v1.Scale"));
    assert.equal(
      get(doc, "components", "schemas", "io.k8s.api.core.v1.Service"),
      undefined,
      "only what apps/v1 needs",
    );
    assert.doesNotMatch(JSON.stringify(doc), /#\/definitions\//);
  });

  it("v2 as protobuf or JSON by Accept, with an ETag", () => {
    const proto = serveOpenApi(registry, {
      path: "/openapi/v2",
      accept: "application/com.github.proto-openapi.spec.v2@v1.0+protobuf, application/json",
    });
    assert.equal(proto?.headers["Content-Type"], protobufContentType);
    assert.ok(proto?.body instanceof Uint8Array);
    const json = serveOpenApi(registry, { path: "/openapi/v2", accept: "application/json" });
    assert.equal(json?.headers["Content-Type"], "application/json");
    const doc: unknown = JSON.parse(String(json?.body));
    assert.equal(get(doc, "swagger"), "2.0");
    assert.ok(get(doc, "definitions", "io.k8s.api.core.v1.Pod"));
    assert.equal(
      serveOpenApi(registry, { path: "/openapi/v2", ifNoneMatch: json?.headers.ETag })?.status,
      304,
    );
    assert.equal(
      serveOpenApi(registry, { path: "/swagger-2.0.0.pb-v1" })?.headers["Content-Type"],
      protobufContentType,
    );
    assert.equal(serveOpenApi(registry, { path: "/api/v1" }), undefined);
    assert.equal(isOpenApiPath("/openapi/v3/api/v1"), true);
    assert.equal(isOpenApiPath("/apis"), false);
  });
});
