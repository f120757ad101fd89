import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { definitionNameForKind, definitions } from "./definitions.ts";
import { atomicStructs, fieldPatchMetadata, freeFormDefinitions } from "./patch-metadata.ts";
import { refTarget, type Schema } from "./types.ts";

const defs = definitions();
const def = (name: string): Schema => {
  const d = defs[name];
  assert.ok(d, `definition ${name}`);
  return d;
};
const prop = (name: string, field: string): Schema => {
  const p = def(name).properties?.[field];
  assert.ok(p, `${name}.${field}`);
  return p;
};

describe("definitions", () => {
  it("DeploymentStrategy has type and rollingUpdate with their docs", () => {
    const s = def("io.k8s.api.apps.v1.DeploymentStrategy");
    assert.match(s.description ?? "", /how to replace existing pods with new ones/);
    assert.equal(prop("io.k8s.api.apps.v1.DeploymentStrategy", "type").type, "string");
    assert.match(prop("io.k8s.api.apps.v1.DeploymentStrategy", "type").description ?? "", /Recreate/);
    const ru = prop("io.k8s.api.apps.v1.DeploymentStrategy", "rollingUpdate");
    assert.equal(ru.$ref, "#/definitions/io.k8s.api.apps.v1.RollingUpdateDeployment");
    assert.match(ru.description ?? "", /Rolling update config params/);
  });

  it("Quantity, IntOrString and Time are strings with Kubernetes' formats", () => {
    assert.equal(def("io.k8s.apimachinery.pkg.api.resource.Quantity").type, "string");
    const ios = def("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert.deepEqual([ios.type, ios.format], ["string", "int-or-string"]);
    const time = def("io.k8s.apimachinery.pkg.apis.meta.v1.Time");
    assert.deepEqual([time.type, time.format], ["string", "date-time"]);
    assert.equal(
      prop("io.k8s.api.apps.v1.RollingUpdateDeployment", "maxSurge").$ref,
      "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString",
    );
    const limits = prop("io.k8s.api.core.v1.ResourceRequirements", "limits");
    assert.equal(limits.type, "object");
    assert.deepEqual(limits.additionalProperties, {
      $ref: "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity",
    });
  });

  it("integers are int32 unless Kubernetes declares int64", () => {
    assert.deepEqual(
      [
        prop("io.k8s.api.apps.v1.DeploymentSpec", "replicas").type,
        prop("io.k8s.api.apps.v1.DeploymentSpec", "replicas").format,
      ],
      ["integer", "int32"],
    );
    assert.equal(prop("io.k8s.api.core.v1.PodSpec", "terminationGracePeriodSeconds").format, "int64");
    assert.equal(prop("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "generation").format, "int64");
    assert.deepEqual(prop("io.k8s.api.core.v1.PodSecurityContext", "supplementalGroups").items, {
      type: "integer",
      format: "int64",
    });
    assert.equal(prop("io.k8s.api.core.v1.Secret", "data").additionalProperties instanceof Object, true);
    assert.deepEqual(prop("io.k8s.api.core.v1.Secret", "data").additionalProperties, {
      type: "string",
      format: "byte",
    });
  });

  it("required fields and group/version/kind of top-level kinds", () => {
    assert.deepEqual(def("io.k8s.api.core.v1.Container").required, ["name"]);
    assert.deepEqual(def("io.k8s.api.apps.v1.Deployment")["x-kubernetes-group-version-kind"], [
      { group: "apps", kind: "Deployment", version: "v1" },
    ]);
    assert.equal(definitionNameForKind("", "v1", "Pod"), "io.k8s.api.core.v1.Pod");
    assert.equal(definitionNameForKind("apps", "v1", "DeploymentList"), "io.k8s.api.apps.v1.DeploymentList");
    assert.equal(definitionNameForKind("rbac.authorization.k8s.io", "v1", "Role"), "io.k8s.api.rbac.v1.Role");
    assert.equal(definitionNameForKind("", "v1", "Nope"), undefined);
  });

  it("patch metadata is emitted as x-kubernetes extensions", () => {
    const containers = prop("io.k8s.api.core.v1.PodSpec", "containers");
    assert.equal(containers["x-kubernetes-patch-merge-key"], "name");
    assert.equal(containers["x-kubernetes-patch-strategy"], "merge");
    assert.equal(containers["x-kubernetes-list-type"], "map");
    assert.deepEqual(containers["x-kubernetes-list-map-keys"], ["name"]);
    const ports = prop("io.k8s.api.core.v1.Container", "ports");
    assert.deepEqual(ports["x-kubernetes-list-map-keys"], ["containerPort", "protocol"]);
    assert.equal(
      prop("io.k8s.api.core.v1.PodSpec", "volumes")["x-kubernetes-patch-strategy"],
      "merge,retainKeys",
    );
    assert.equal(prop("io.k8s.api.core.v1.PodSpec", "tolerations")["x-kubernetes-list-type"], "atomic");
    assert.equal(
      def("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector")["x-kubernetes-map-type"],
      "atomic",
    );
  });

  it("every table entry names an existing definition and field", () => {
    for (const [name, fields] of Object.entries(fieldPatchMetadata)) {
      for (const field of Object.keys(fields)) prop(name, field);
    }
    for (const name of [...atomicStructs, ...freeFormDefinitions]) def(name);
  });

  it("every $ref resolves", () => {
    const check = (s: Schema | boolean | undefined, where: string): void => {
      if (typeof s !== "object") return;
      if (s.$ref) assert.ok(defs[refTarget(s.$ref)], `${where} → ${s.$ref}`);
      check(s.items, where);
      check(s.additionalProperties, where);
      for (const [k, p] of Object.entries(s.properties ?? {})) check(p, `${where}.${k}`);
    };
    for (const [name, s] of Object.entries(defs)) check(s, name);
    assert.ok(Object.keys(defs).length > 600);
  });

  it("the committed generated file is what the codegen produces", () => {
    execFileSync(process.execPath, ["scripts/gen-schemas.mjs", "--check"], { stdio: "pipe" });
  });
});
