import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { FieldError } from "../field.ts";
import {
  type ClusterRoleBinding,
  clusterrolebindings,
  type Role,
  type RoleBinding,
  rolebindings,
  roles,
} from "./rbac.ts";

const brief = (errs: FieldError[]) => errs.map((e) => `${e.type} ${e.field}`);
const meta = { name: "r", namespace: "default", creationTimestamp: "2024-01-01T00:00:00Z" };

describe("roles", () => {
  it("requires verbs, api groups and resources; forbids non-resource URLs in namespaces", () => {
    const ok: Role = { metadata: meta, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] };
    assert.deepEqual(roles.strategy.validate?.(ok), []);
    const bad: Role = {
      metadata: meta,
      rules: [
        { resources: ["pods"], verbs: [] },
        { verbs: ["get"], nonResourceURLs: ["/healthz"] },
      ],
    };
    assert.deepEqual(brief(roles.strategy.validate?.(bad) ?? []), [
      "FieldValueRequired rules[0].verbs",
      "FieldValueRequired rules[0].apiGroups",
      "FieldValueInvalid rules[1].nonResourceURLs",
    ]);
  });
  it("rejects names with a slash", () => {
    const r: Role = { metadata: { ...meta, name: "a/b" } };
    assert.deepEqual(brief(roles.strategy.validate?.(r) ?? []), ["FieldValueInvalid metadata.name"]);
  });
});

describe("bindings", () => {
  const rb = (): RoleBinding => ({
    metadata: meta,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "reader" },
    subjects: [
      { kind: "User", apiGroup: "rbac.authorization.k8s.io", name: "alice" },
      { kind: "ServiceAccount", name: "default", namespace: "kube-system" },
      { kind: "Group", apiGroup: "rbac.authorization.k8s.io", name: "devs" },
    ],
  });
  it("accepts a valid binding and checks roleRef and subjects", () => {
    assert.deepEqual(rolebindings.strategy.validate?.(rb()), []);
    const bad = rb();
    bad.roleRef = { apiGroup: "x", kind: "Pod", name: "" };
    bad.subjects = [{ kind: "Robot", name: "r2" }];
    assert.deepEqual(brief(rolebindings.strategy.validate?.(bad) ?? []), [
      "FieldValueNotSupported roleRef.apiGroup",
      "FieldValueNotSupported roleRef.kind",
      "FieldValueRequired roleRef.name",
      "FieldValueNotSupported subjects[0].kind",
    ]);
  });
  it("allows only ClusterRole in a ClusterRoleBinding and requires SA namespaces there", () => {
    const crb: ClusterRoleBinding = {
      metadata: { name: "x" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "r" },
      subjects: [{ kind: "ServiceAccount", name: "default" }],
    };
    assert.deepEqual(brief(clusterrolebindings.strategy.validate?.(crb) ?? []), [
      "FieldValueNotSupported roleRef.kind",
      "FieldValueRequired subjects[0].namespace",
    ]);
  });
  it("keeps roleRef immutable", () => {
    const next = rb();
    next.roleRef = { ...next.roleRef, name: "writer" };
    const errs = rolebindings.strategy.validateUpdate?.(next, rb()) ?? [];
    assert.deepEqual(brief(errs), ["FieldValueInvalid roleRef"]);
    assert.equal(errs[0]?.detail, "cannot change roleRef");
  });
  it("prints Role, Age and the subjects", () => {
    assert.deepEqual(rolebindings.strategy.table?.cells(rb(), new Date("2024-01-01T00:00:30Z")), [
      "r",
      "Role/reader",
      "30s",
      "alice",
      "devs",
      "kube-system/default",
    ]);
  });
});
