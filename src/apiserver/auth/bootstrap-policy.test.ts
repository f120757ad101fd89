import assert from "node:assert/strict";
import { test } from "node:test";
import {
  autoupdateAnnotation,
  bootstrapClusterRoleBindings,
  reconcileBinding,
  reconcileRole,
} from "./bootstrap-policy.ts";
import { bootstrapClusterRoles } from "./bootstrap-roles.ts";

const roles = bootstrapClusterRoles();
const byName = (n: string) => roles.find((r) => r.metadata?.name === n) ?? assert.fail(n);

test("the default roles: user-facing aggregation chain and component roles", () => {
  for (const n of [
    "cluster-admin",
    "admin",
    "edit",
    "view",
    "system:discovery",
    "system:basic-user",
    "system:public-info-viewer",
    "system:node",
    "system:kube-scheduler",
    "system:kube-controller-manager",
    "system:node-proxier",
    "system:monitoring",
    "system:auth-delegator",
  ]) {
    byName(n);
  }
  assert.equal(byName("view").metadata?.labels?.["rbac.authorization.k8s.io/aggregate-to-edit"], "true");
  assert.equal(byName("edit").metadata?.labels?.["rbac.authorization.k8s.io/aggregate-to-admin"], "true");
  assert.ok(byName("admin").aggregationRule);
  // Components are not admins: no create on arbitrary resources, no escalate/bind/impersonate.
  for (const n of ["system:kube-controller-manager", "system:kube-scheduler"]) {
    for (const r of byName(n).rules ?? []) {
      assert.ok(!r.verbs.includes("*"), `${n} has a * verb`);
      assert.ok(!r.verbs.some((v) => ["escalate", "bind"].includes(v)), n);
      // Impersonation only of named controller service accounts (the controllers' own identities).
      if (r.verbs.includes("impersonate")) {
        assert.deepEqual(r.resources, ["serviceaccounts"], n);
        assert.ok(r.resourceNames?.includes("horizontal-pod-autoscaler"), n);
        assert.ok(!r.resourceNames?.includes("default"), n);
      }
      if (r.verbs.includes("create"))
        assert.ok(!(r.resources ?? []).includes("*"), `${n} may create anything`);
    }
  }
  const bindings = bootstrapClusterRoleBindings();
  const masters = bindings.find((b) => b.metadata?.name === "cluster-admin");
  assert.deepEqual(
    masters?.subjects?.map((s) => s.name),
    ["system:masters"],
  );
  for (const b of bindings) byName(b.roleRef.name);
});

test("reconcile adds missing rules and subjects, keeps extras, respects autoupdate=false", () => {
  const wanted = byName("system:discovery");
  const stripped = { ...wanted, rules: [{ verbs: ["get"], nonResourceURLs: ["/custom"] }] };
  const fixed = reconcileRole(stripped, wanted);
  assert.ok(fixed);
  assert.equal(fixed.rules?.length, 1 + (wanted.rules?.length ?? 0));
  assert.equal(reconcileRole(fixed, wanted), undefined);
  const frozen = {
    ...stripped,
    metadata: { ...stripped.metadata, annotations: { [autoupdateAnnotation]: "false" } },
  };
  assert.equal(reconcileRole(frozen, wanted), undefined);
  const binding =
    bootstrapClusterRoleBindings().find((b) => b.metadata?.name === "system:public-info-viewer") ??
    assert.fail();
  const partial = { ...binding, subjects: [{ kind: "User", name: "extra" }] };
  assert.deepEqual(
    reconcileBinding(partial, binding)?.subjects?.map((s) => s.name),
    ["extra", "system:authenticated", "system:unauthenticated"],
  );
});
