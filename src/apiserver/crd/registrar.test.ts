import assert from "node:assert/strict";
import { test } from "node:test";
import { cronTabCrd } from "../../api/apiextensions/testing.ts";
import { Registry } from "../../api/registry.ts";
import { apiGroupList } from "../discovery.ts";
import { CustomResourceRegistrar } from "./registrar.ts";

test("serve registers every served version, preferred first; unserve removes the group", () => {
  const registry = new Registry();
  const registrar = new CustomResourceRegistrar(registry);
  const crd = cronTabCrd();
  registrar.serve(crd);
  assert.deepEqual(registry.groups(), [{ group: "stable.example.com", versions: ["v1", "v1beta1"] }]);
  const group = (apiGroupList(registry).groups as { preferredVersion: { version: string } }[])[0];
  assert.equal(group?.preferredVersion.version, "v1");
  const revision = registry.revision;
  registrar.serve({ ...crd, status: { storedVersions: ["v1"] } });
  assert.equal(registry.revision, revision, "a status-only change does not re-register");
  registrar.serve(crd, { terminating: true });
  const terminating = registry.resource("stable.example.com", "v1", "crontabs");
  assert.throws(
    () => terminating?.strategy.prepareForCreate?.({ metadata: { name: "x" } }),
    /while custom resource definition is terminating/,
  );
  registrar.unserve("crontabs.stable.example.com");
  assert.deepEqual(registry.groups(), []);
  assert.equal(registry.resource("stable.example.com", "v1", "crontabs"), undefined);
  assert.equal(registry.kind("stable.example.com", "v1", "CronTab"), undefined);
});

test("a spec change re-registers: a version no longer served disappears", () => {
  const registry = new Registry();
  const registrar = new CustomResourceRegistrar(registry);
  const crd = cronTabCrd();
  registrar.serve(crd);
  const changed = cronTabCrd();
  changed.spec.versions[1] = {
    ...(changed.spec.versions[1] as (typeof changed.spec.versions)[0]),
    served: false,
  };
  registrar.serve(changed);
  assert.deepEqual(registry.groups(), [{ group: "stable.example.com", versions: ["v1"] }]);
});
