import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError, BadRequestError } from "../errors.ts";
import { decodeBody, fieldValidationDirective, validateFields } from "./field-validation.ts";
import { unknownFields } from "./unknown-fields.ts";

const deploymentJson = `{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {"name": "web", "name": "web2", "unknownMeta": "x", "labels": {"app": "a", "app": "b"}},
  "spec": {
    "replicas": 1,
    "unknown1": true,
    "paused": false,
    "paused": true,
    "selector": {"matchLabels": {"app": "a"}},
    "template": {
      "metadata": {"labels": {"app": "a"}},
      "spec": {"containers": [{"name": "c", "image": "nginx", "imagePullPolcy": "Always",
                               "imagePullPolicy": "Always", "imagePullPolicy": "Never",
                               "resources": {"limits": {"cpu": "1"}}}]}
    }
  }
}`;

const deployment = { group: "apps", version: "v1", kind: "Deployment" };

describe("unknownFields", () => {
  it("gives Kubernetes-style paths, metadata included", () => {
    const obj = JSON.parse(deploymentJson);
    assert.deepEqual(unknownFields("apps", "v1", "Deployment", obj), [
      "metadata.unknownMeta",
      "spec.unknown1",
      "spec.template.spec.containers[0].imagePullPolcy",
    ]);
  });

  it("accepts anything inside free-form fields and maps", () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [{ anything: { goes: 1 } }],
      metadata: { managedFields: [{ fieldsV1: { "f:x": {} }, manager: "m" }] },
    };
    assert.deepEqual(unknownFields("", "v1", "List", list), []);
    const cm = { apiVersion: "v1", kind: "ConfigMap", data: { "any-key": "v" }, bogus: 1 };
    assert.deepEqual(unknownFields("", "v1", "ConfigMap", cm), ["bogus"]);
    assert.deepEqual(unknownFields("example.com", "v1", "Widget", { spec: { x: 1 } }), []);
  });

  it("is case-sensitive like Kubernetes' decoder", () => {
    assert.deepEqual(unknownFields("", "v1", "Pod", { Spec: {}, spec: { Containers: [] } }), [
      "Spec",
      "spec.Containers",
    ]);
  });
});

describe("decodeBody", () => {
  it("Strict: 400 with every unknown and duplicate field in document order", () => {
    assert.throws(
      () => decodeBody({ ...deployment, body: deploymentJson, format: "json", fieldValidation: "Strict" }),
      (err: unknown) => {
        assert.ok(err instanceof BadRequestError);
        assert.equal(err.code, 400);
        assert.equal(
          err.message,
          'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: ' +
            'duplicate field "metadata.name", unknown field "metadata.unknownMeta", ' +
            'duplicate field "metadata.labels.app", unknown field "spec.unknown1", ' +
            'duplicate field "spec.paused", unknown field "spec.template.spec.containers[0].imagePullPolcy", ' +
            'duplicate field "spec.template.spec.containers[0].imagePullPolicy"',
        );
        return true;
      },
    );
  });

  it("Strict: the documented Pod message", () => {
    const body =
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","imagePullPolcy":"x"}]}}';
    assert.throws(
      () =>
        decodeBody({
          group: "",
          version: "v1",
          kind: "Pod",
          body,
          format: "json",
          fieldValidation: "Strict",
        }),
      {
        message:
          'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePullPolcy"',
      },
    );
  });

  it("Warn: one warning per problem and the decoded object (last duplicate wins)", () => {
    const { object, warnings } = decodeBody({
      ...deployment,
      body: deploymentJson,
      format: "json",
      fieldValidation: "Warn",
    });
    assert.equal(warnings.length, 7);
    assert.equal(warnings[0], 'duplicate field "metadata.name"');
    assert.equal(warnings[5], 'unknown field "spec.template.spec.containers[0].imagePullPolcy"');
    assert.deepEqual((object as { metadata: { name: string } }).metadata.name, "web2");
  });

  it("Ignore: nothing; a clean body: nothing", () => {
    const ignored = decodeBody({
      ...deployment,
      body: deploymentJson,
      format: "json",
      fieldValidation: "Ignore",
    });
    assert.deepEqual(ignored.warnings, []);
    const clean = decodeBody({
      ...deployment,
      body: '{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":2}}',
      format: "json",
      fieldValidation: "Strict",
    });
    assert.deepEqual(clean, {
      object: { apiVersion: "apps/v1", kind: "Deployment", spec: { replicas: 2 } },
      warnings: [],
    });
  });

  it("YAML: duplicate keys with line numbers, then unknown fields in key order", () => {
    const yaml = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata:",
      "  name: web",
      "  name: web2",
      "spec:",
      "  zeta: 1",
      "  replicas: 1",
      "  alpha: 2",
      "",
    ].join("\n");
    const warned = decodeBody({ ...deployment, body: yaml, format: "yaml", fieldValidation: "Warn" });
    assert.deepEqual(warned.warnings, [
      'line 5: key "name" already set in map',
      'unknown field "spec.alpha"',
      'unknown field "spec.zeta"',
    ]);
    assert.equal((warned.object as { metadata: { name: string } }).metadata.name, "web2");
    assert.throws(
      () => decodeBody({ ...deployment, body: yaml, format: "yaml", fieldValidation: "Strict" }),
      {
        message:
          'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: yaml: unmarshal errors:\n' +
          '  line 5: key "name" already set in map, unknown field "spec.alpha", unknown field "spec.zeta"',
      },
    );
  });

  it("syntax errors are 400s", () => {
    assert.throws(
      () => decodeBody({ ...deployment, body: '{"spec":', format: "json", fieldValidation: "Ignore" }),
      BadRequestError,
    );
    assert.throws(
      () => decodeBody({ ...deployment, body: "a: [1", format: "yaml", fieldValidation: "Ignore" }),
      BadRequestError,
    );
  });
});

describe("validateFields", () => {
  it("checks a decoded (e.g. patched) object", () => {
    const object = { apiVersion: "v1", kind: "Service", spec: { ports: [{ port: 80, tragetPort: 8080 }] } };
    const gvk = { group: "", version: "v1", kind: "Service" };
    assert.deepEqual(validateFields({ ...gvk, object, fieldValidation: "Warn" }), [
      'unknown field "spec.ports[0].tragetPort"',
    ]);
    assert.deepEqual(validateFields({ ...gvk, object, fieldValidation: "Ignore" }), []);
    assert.throws(() => validateFields({ ...gvk, object, fieldValidation: "Strict" }), {
      message:
        'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].tragetPort"',
    });
  });
});

describe("fieldValidationDirective", () => {
  it("defaults to Warn and rejects unknown directives with a 422", () => {
    assert.equal(fieldValidationDirective(undefined), "Warn");
    assert.equal(fieldValidationDirective(""), "Warn");
    assert.equal(fieldValidationDirective("Strict"), "Strict");
    assert.equal(fieldValidationDirective("Ignore", "PatchOptions"), "Ignore");
    assert.throws(
      () => fieldValidationDirective("strict"),
      (err: unknown) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.code, 422);
        assert.match(
          err.message,
          /fieldValidation: Unsupported value: "strict": supported values: "Ignore", "Strict", "Warn"/,
        );
        return true;
      },
    );
  });
});
