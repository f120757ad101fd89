import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PodSpec } from "kubernetes-types/core/v1.js";
import { FieldPath } from "../field.ts";
import { defaultPodSpec } from "./podspec-defaults.ts";
import { validatePodSpec, validatePodTemplateSpec } from "./podspec-validation.ts";

const at = FieldPath.root("spec");

function errorsOf(spec: PodSpec): [string, string][] {
  defaultPodSpec(spec);
  return validatePodSpec(spec, at).map((e) => [e.type, e.field]);
}

function valid(): PodSpec {
  return {
    containers: [
      {
        name: "web",
        image: "nginx:1.27",
        ports: [{ name: "http", containerPort: 80 }],
        env: [{ name: "A", value: "1" }],
        volumeMounts: [{ name: "data", mountPath: "/data" }],
        resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "128Mi" } },
      },
    ],
    volumes: [{ name: "data", emptyDir: {} }],
  };
}

describe("validatePodSpec", () => {
  it("accepts a valid spec", () => {
    assert.deepEqual(errorsOf(valid()), []);
  });

  it("requires containers", () => {
    assert.deepEqual(errorsOf({ containers: [] }), [["FieldValueRequired", "spec.containers"]]);
  });

  it("checks container names and images", () => {
    const spec = valid();
    spec.containers.push({ name: "web", image: "" }, { name: "Bad_Name", image: "x" });
    assert.deepEqual(errorsOf(spec), [
      ["FieldValueDuplicate", "spec.containers[1].name"],
      ["FieldValueRequired", "spec.containers[1].image"],
      ["FieldValueInvalid", "spec.containers[2].name"],
    ]);
  });

  it("checks ports", () => {
    const spec = valid();
    spec.containers[0]!.ports = [
      { name: "http", containerPort: 0 },
      { name: "http", containerPort: 70000, protocol: "XTP" },
    ];
    defaultPodSpec(spec);
    const errs = validatePodSpec(spec, at);
    assert.deepEqual(
      errs.map((e) => [e.type, e.field, e.detail]),
      [
        ["FieldValueRequired", "spec.containers[0].ports[0].containerPort", ""],
        ["FieldValueDuplicate", "spec.containers[0].ports[1].name", undefined],
        [
          "FieldValueInvalid",
          "spec.containers[0].ports[1].containerPort",
          "must be between 1 and 65535, inclusive",
        ],
        [
          "FieldValueNotSupported",
          "spec.containers[0].ports[1].protocol",
          'supported values: "SCTP", "TCP", "UDP"',
        ],
      ],
    );
  });

  it("checks env, volumes and mounts", () => {
    const spec = valid();
    spec.containers[0]!.env = [{ name: "1X" }, { name: "" }];
    spec.containers[0]!.volumeMounts = [{ name: "missing", mountPath: "/m" }];
    spec.volumes = [
      { name: "data", emptyDir: {}, hostPath: { path: "/x" } },
      { name: "data", configMap: { name: "c" } },
    ];
    assert.deepEqual(errorsOf(spec), [
      ["FieldValueForbidden", "spec.volumes[0].hostPath"],
      ["FieldValueDuplicate", "spec.volumes[1].name"],
      ["FieldValueInvalid", "spec.containers[0].env[0].name"],
      ["FieldValueRequired", "spec.containers[0].env[1].name"],
      ["FieldValueNotFound", "spec.containers[0].volumeMounts[0].name"],
    ]);
  });

  it("requires requests ≤ limits and valid quantities", () => {
    const spec = valid();
    spec.containers[0]!.resources = {
      requests: { cpu: "2", memory: "lots" },
      limits: { cpu: "1", "example.com/gpu": "1" },
    };
    defaultPodSpec(spec);
    const errs = validatePodSpec(spec, at);
    assert.deepEqual(
      errs.map((e) => [e.field, e.detail]),
      [
        ["spec.containers[0].resources.requests", "must be less than or equal to cpu limit of 1"],
        [
          "spec.containers[0].resources.requests[memory]",
          "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        ],
      ],
    );
  });

  it("checks policies", () => {
    const spec = valid();
    spec.restartPolicy = "Sometimes";
    spec.dnsPolicy = "Weird";
    const errs = validatePodSpec(spec, at);
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ["FieldValueRequired", "spec.containers[0].imagePullPolicy"],
        ["FieldValueRequired", "spec.containers[0].terminationMessagePolicy"],
        ["FieldValueRequired", "spec.containers[0].ports[0].protocol"],
        ["FieldValueNotSupported", "spec.restartPolicy"],
        ["FieldValueNotSupported", "spec.dnsPolicy"],
      ],
    );
  });

  it("validates templates at their path", () => {
    const errs = validatePodTemplateSpec(
      { metadata: { labels: { "bad key": "x" } }, spec: { containers: [] } },
      FieldPath.root("spec").child("template"),
    );
    assert.deepEqual(
      errs.map((e) => [e.type, e.field]),
      [
        ["FieldValueInvalid", "spec.template.metadata.labels"],
        ["FieldValueRequired", "spec.template.spec.containers"],
        ["FieldValueRequired", "spec.template.spec.restartPolicy"],
        ["FieldValueRequired", "spec.template.spec.dnsPolicy"],
      ],
    );
  });
});
