import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { deploymentSchema, podSchema } from "../testschema.ts";
import { FieldSet, fieldSetOf, fieldValues, pathString } from "./fieldset.ts";

describe("FieldSet", () => {
  it("round-trips Kubernetes' FieldsV1 encoding, including `.` members", () => {
    const fieldsV1 = {
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:template": {
          "f:spec": {
            "f:containers": {
              'k:{"name":"web"}': {
                ".": {},
                "f:image": {},
                "f:ports": { 'k:{"containerPort":80,"protocol":"TCP"}': { ".": {}, "f:containerPort": {} } },
              },
            },
          },
        },
      },
      "f:finalizers": { 'v:"a"': {} },
    };
    const set = FieldSet.fromFieldsV1(fieldsV1);
    assert.equal(set.has(["f:metadata", "f:labels"]), true);
    assert.equal(set.has(["f:metadata"]), false);
    assert.equal(set.has(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}']), true);
    assert.deepEqual(set.toFieldsV1(), fieldsV1);
  });

  it("prints paths as structured-merge-diff does", () => {
    assert.equal(
      pathString(["f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"web"}', "f:image"]),
      '.spec.template.spec.containers[name="web"].image',
    );
    assert.equal(
      pathString(["f:ports", 'k:{"containerPort":80,"protocol":"TCP"}']),
      '.ports[containerPort=80,protocol="TCP"]',
    );
    assert.equal(pathString(["f:finalizers", 'v:"a"']), '.finalizers[="a"]');
    assert.equal(pathString(["f:args", "i:0"]), ".args[0]");
  });

  it("supports set algebra and prefix queries", () => {
    const a = new FieldSet([["f:a"], ["f:b", "f:c"]]);
    const b = new FieldSet([["f:b", "f:c"], ["f:d"]]);
    assert.deepEqual(a.union(b).paths(), [["f:a"], ["f:b", "f:c"], ["f:d"]]);
    assert.deepEqual(a.difference(b).paths(), [["f:a"]]);
    assert.deepEqual(a.intersection(b).paths(), [["f:b", "f:c"]]);
    assert.equal(a.hasPathOrDescendant(["f:b"]), true);
    assert.equal(a.hasPathOrDescendant(["f:c"]), false);
    assert.deepEqual(a.without([["f:b"]]).paths(), [["f:a"]]);
  });
});

describe("fieldValues (the fields an applied configuration sets)", () => {
  it("lists leaves, list-map items by key (with defaulted protocol), sets by value, atomic values whole", () => {
    const pod = {
      metadata: { name: "p", finalizers: ["x"] },
      spec: {
        containers: [{ name: "c", image: "i", args: ["a"], ports: [{ containerPort: 80 }] }],
        tolerations: [{ key: "k" }],
        securityContext: {},
      },
    };
    const paths = fieldSetOf(fieldValues(pod, podSchema))
      .paths()
      .map((p) => pathString(p));
    assert.deepEqual(paths.sort(), [
      '.metadata.finalizers[="x"]',
      ".metadata.name",
      '.spec.containers[name="c"]',
      '.spec.containers[name="c"].args',
      '.spec.containers[name="c"].image',
      '.spec.containers[name="c"].name',
      '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"]',
      '.spec.containers[name="c"].ports[containerPort=80,protocol="TCP"].containerPort',
      ".spec.securityContext",
      ".spec.tolerations",
    ]);
  });

  it("treats atomic maps (label selectors) as one field", () => {
    const paths = fieldSetOf(
      fieldValues({ spec: { selector: { matchLabels: { app: "web" } } } }, deploymentSchema),
    )
      .paths()
      .map((p) => pathString(p));
    assert.deepEqual(paths, [".spec.selector"]);
  });
});
