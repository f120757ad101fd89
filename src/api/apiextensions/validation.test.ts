import assert from "node:assert/strict";
import { test } from "node:test";
import { fieldErrorString } from "../field.ts";
import { customResourceDefinitions, defaultCrd } from "./crd.ts";
import { cronTabCrd } from "./testing.ts";
import type { CustomResourceDefinition } from "./types.ts";
import { validateCrd } from "./validation.ts";

const errors = (crd: CustomResourceDefinition) => {
  defaultCrd(crd);
  return validateCrd(crd).map(fieldErrorString);
};

test("the CronTab CRD is valid; defaults fill singular, listKind and conversion", () => {
  const crd = cronTabCrd();
  assert.deepEqual(errors(crd), []);
  assert.equal(crd.spec.names.listKind, "CronTabList");
  assert.deepEqual(crd.spec.conversion, { strategy: "None" });
});

test("name, group, scope and names rules with Kubernetes' messages", () => {
  const crd = cronTabCrd({ group: "example", scope: "Global" as "Cluster" });
  assert.deepEqual(errors(crd), [
    'metadata.name: Invalid value: "crontabs.stable.example.com": must be spec.names.plural+"."+spec.group',
    'spec.group: Invalid value: "example": should be a domain with at least one dot',
    'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
  ]);
  const names = cronTabCrd({ names: { plural: "Cron_Tabs", kind: "CronTab", listKind: "CronTab" } });
  names.metadata = { name: "Cron_Tabs.stable.example.com" };
  const errs = errors(names);
  assert.ok(
    errs.some((e) => e.startsWith('spec.names.plural: Invalid value: "Cron_Tabs": a DNS-1035 label')),
  );
  assert.ok(
    errs.includes('spec.names.listKind: Invalid value: "CronTab": kind and listKind may not be the same'),
  );
});

test("exactly one storage version; schemas must be structural", () => {
  const crd = cronTabCrd();
  const versions = crd.spec.versions.map((v) => ({ ...v, storage: true }));
  assert.ok(
    errors(cronTabCrd({ versions })).some((e) =>
      e.endsWith("must have exactly one version marked as storage version"),
    ),
  );
  const untyped = cronTabCrd({
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { properties: { a: { type: "string" } } } },
          },
        },
      },
    ],
  });
  assert.deepEqual(errors(untyped), [
    "spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields",
  ]);
  const noSchema = cronTabCrd({ versions: [{ name: "v1", served: true, storage: true }] });
  assert.deepEqual(errors(noSchema), [
    "spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required",
  ]);
});

test("create: status reset, storedVersions, cleanup finalizer; update keeps stored versions", () => {
  const crd = cronTabCrd();
  Object.assign(crd, { status: { storedVersions: ["bogus"] } });
  customResourceDefinitions.strategy.prepareForCreate?.(crd);
  assert.deepEqual(crd.status?.storedVersions, ["v1"]);
  assert.deepEqual(crd.metadata?.finalizers, ["customresourcecleanup.apiextensions.k8s.io"]);
  const next = cronTabCrd();
  next.spec.versions[0] = { ...(next.spec.versions[0] as (typeof next.spec.versions)[0]), storage: false };
  next.spec.versions[1] = { ...(next.spec.versions[1] as (typeof next.spec.versions)[0]), storage: true };
  customResourceDefinitions.strategy.prepareForUpdate?.(next, crd);
  assert.deepEqual(next.status?.storedVersions, ["v1", "v1beta1"]);
});

test("defaults must satisfy their schema; preserveUnknownFields true is refused", () => {
  const crd = cronTabCrd();
  const spec = crd.spec.versions[0]?.schema?.openAPIV3Schema?.properties?.spec;
  Object.assign(spec?.properties?.replicas ?? {}, { default: 0 });
  Object.assign(crd.spec, { preserveUnknownFields: true });
  assert.deepEqual(errors(crd), [
    "spec.preserveUnknownFields: Invalid value: true: cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead",
    "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: Invalid value: 0: default in body should be greater than or equal to 1",
  ]);
});
