import assert from "node:assert/strict";
import { describe, it } from "node:test";
import protobuf from "protobufjs";
import { buildV2Document } from "./documents.ts";
import { encodeV2Document } from "./protobuf.ts";
import { testRegistry } from "./testing.ts";

// Our own declaration of the gnostic openapi.v2 subset we check (field numbers as in OpenAPIv2.proto).
const root = protobuf.Root.fromJSON({
  nested: {
    Document: {
      fields: {
        swagger: { type: "string", id: 1 },
        info: { type: "Info", id: 2 },
        paths: { type: "Paths", id: 8 },
        definitions: { type: "Definitions", id: 9 },
      },
    },
    Info: { fields: { title: { type: "string", id: 1 }, version: { type: "string", id: 2 } } },
    Paths: { fields: { path: { rule: "repeated", type: "NamedPathItem", id: 2 } } },
    NamedPathItem: { fields: { name: { type: "string", id: 1 }, value: { type: "PathItem", id: 2 } } },
    PathItem: { fields: { get: { type: "Operation", id: 2 }, patch: { type: "Operation", id: 8 } } },
    Operation: {
      fields: {
        operationId: { type: "string", id: 5 },
        consumes: { rule: "repeated", type: "string", id: 7 },
        parameters: { rule: "repeated", type: "ParametersItem", id: 8 },
        vendorExtension: { rule: "repeated", type: "NamedAny", id: 13 },
      },
    },
    ParametersItem: { fields: { parameter: { type: "Parameter", id: 1 } } },
    Parameter: {
      fields: {
        bodyParameter: { type: "BodyParameter", id: 1 },
        nonBodyParameter: { type: "NonBodyParameter", id: 2 },
      },
    },
    BodyParameter: {
      fields: {
        name: { type: "string", id: 2 },
        in: { type: "string", id: 3 },
        schema: { type: "Schema", id: 5 },
      },
    },
    NonBodyParameter: {
      fields: { query: { type: "QueryParameter", id: 3 }, path: { type: "PathParameter", id: 4 } },
    },
    QueryParameter: {
      fields: {
        in: { type: "string", id: 2 },
        name: { type: "string", id: 4 },
        type: { type: "string", id: 6 },
      },
    },
    PathParameter: { fields: { required: { type: "bool", id: 1 }, name: { type: "string", id: 4 } } },
    Definitions: { fields: { additionalProperties: { rule: "repeated", type: "NamedSchema", id: 1 } } },
    NamedSchema: { fields: { name: { type: "string", id: 1 }, value: { type: "Schema", id: 2 } } },
    Schema: {
      fields: {
        ref: { type: "string", id: 1 },
        format: { type: "string", id: 2 },
        description: { type: "string", id: 4 },
        required: { rule: "repeated", type: "string", id: 19 },
        additionalProperties: { type: "AdditionalPropertiesItem", id: 21 },
        type: { type: "TypeItem", id: 22 },
        items: { type: "ItemsItem", id: 23 },
        properties: { type: "Properties", id: 25 },
        vendorExtension: { rule: "repeated", type: "NamedAny", id: 31 },
      },
    },
    AdditionalPropertiesItem: {
      fields: { schema: { type: "Schema", id: 1 }, boolean: { type: "bool", id: 2 } },
    },
    TypeItem: { fields: { value: { rule: "repeated", type: "string", id: 1 } } },
    ItemsItem: { fields: { schema: { rule: "repeated", type: "Schema", id: 1 } } },
    Properties: { fields: { additionalProperties: { rule: "repeated", type: "NamedSchema", id: 1 } } },
    NamedAny: { fields: { name: { type: "string", id: 1 }, value: { type: "Any", id: 2 } } },
    Any: { fields: { yaml: { type: "string", id: 2 } } },
  },
});

interface NamedAny {
  name: string;
  value: { yaml: string };
}
interface DecodedSchema {
  ref?: string;
  format?: string;
  description?: string;
  required?: string[];
  type?: { value: string[] };
  items?: { schema: DecodedSchema[] };
  additionalProperties?: { schema?: DecodedSchema };
  properties?: { additionalProperties: { name: string; value: DecodedSchema }[] };
  vendorExtension?: NamedAny[];
}

describe("encodeV2Document", () => {
  it("the minimal document is the 5 bytes kubectl accepts", () => {
    assert.deepEqual([...encodeV2Document({ swagger: "2.0" })], [0x0a, 0x03, 0x32, 0x2e, 0x30]);
  });

  it("round-trips through a protobuf decoder", () => {
    const doc = buildV2Document(testRegistry(), { serverVersion: "v1.32.5" });
    const bytes = encodeV2Document(doc);
    const decoded = root.lookupType("Document").toObject(root.lookupType("Document").decode(bytes)) as {
      swagger: string;
      info: { title: string; version: string };
      paths: {
        path: {
          name: string;
          value: {
            get?: unknown;
            patch?: {
              operationId: string;
              consumes: string[];
              parameters: unknown[];
              vendorExtension: NamedAny[];
            };
          };
        }[];
      };
      definitions: { additionalProperties: { name: string; value: DecodedSchema }[] };
    };
    assert.equal(decoded.swagger, "2.0");
    assert.deepEqual(decoded.info, { title: "Kubernetes", version: "v1.32.5" });

    const item = decoded.paths.path.find(
      (p) => p.name === "/apis/apps/v1/namespaces/{namespace}/deployments/{name}",
    );
    const patch = item?.value.patch;
    assert.ok(patch);
    assert.equal(patch.operationId, "patchAppsV1NamespacedDeployment");
    assert.ok(patch.consumes.includes("application/strategic-merge-patch+json"));
    const gvk = patch.vendorExtension.find((v) => v.name === "x-kubernetes-group-version-kind");
    assert.deepEqual(JSON.parse(gvk?.value.yaml ?? "null"), {
      group: "apps",
      version: "v1",
      kind: "Deployment",
    });
    const params = patch.parameters as {
      parameter: {
        bodyParameter?: { name: string };
        nonBodyParameter?: { query?: { name: string }; path?: { name: string; required: boolean } };
      };
    }[];
    const names = params.map(
      (p) =>
        p.parameter.bodyParameter?.name ??
        p.parameter.nonBodyParameter?.query?.name ??
        p.parameter.nonBodyParameter?.path?.name,
    );
    for (const n of ["body", "namespace", "name", "dryRun", "fieldManager", "fieldValidation", "force"]) {
      assert.ok(names.includes(n), n);
    }

    const defs = new Map(decoded.definitions.additionalProperties.map((d) => [d.name, d.value]));
    assert.equal(defs.size, Object.keys(doc.definitions as object).length);
    const strategy = defs.get("io.k8s.api.apps.v1.DeploymentStrategy");
    assert.match(strategy?.description ?? "", /how to replace existing pods/);
    const props = new Map(strategy?.properties?.additionalProperties.map((p) => [p.name, p.value]));
    assert.equal(props.get("rollingUpdate")?.ref, "#/definitions/io.k8s.api.apps.v1.RollingUpdateDeployment");
    assert.deepEqual(props.get("type")?.type?.value, ["string"]);

    const podSpec = defs.get("io.k8s.api.core.v1.PodSpec");
    const containers = podSpec?.properties?.additionalProperties.find((p) => p.name === "containers")?.value;
    assert.equal(containers?.items?.schema[0]?.ref, "#/definitions/io.k8s.api.core.v1.Container");
    const ext = new Map(containers?.vendorExtension?.map((v) => [v.name, JSON.parse(v.value.yaml)]));
    assert.equal(ext.get("x-kubernetes-patch-merge-key"), "name");
    assert.equal(ext.get("x-kubernetes-patch-strategy"), "merge");
    assert.deepEqual(ext.get("x-kubernetes-list-map-keys"), ["name"]);

    const deployment = defs.get("io.k8s.api.apps.v1.Deployment");
    const dgvk = deployment?.vendorExtension?.find((v) => v.name === "x-kubernetes-group-version-kind");
    assert.deepEqual(JSON.parse(dgvk?.value.yaml ?? "null"), [
      { group: "apps", kind: "Deployment", version: "v1" },
    ]);
    const labels = defs
      .get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
      ?.properties?.additionalProperties.find((p) => p.name === "labels")?.value;
    assert.deepEqual(labels?.additionalProperties?.schema?.type?.value, ["string"]);
    const ios = defs.get("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assert.equal(ios?.format, "int-or-string");
  });
});
