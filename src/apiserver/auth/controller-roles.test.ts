import assert from "node:assert/strict";
import { test } from "node:test";
import { bootstrapClusterRoleBindings } from "./bootstrap-policy.ts";
import { bootstrapClusterRoles } from "./bootstrap-roles.ts";
import { controllerRoleBindings, controllerRoles } from "./controller-roles.ts";
import { rulesCover } from "./rbac/rules.ts";

const ruleOf = (verb: string, group: string, resource: string, name?: string) => ({
  verbs: [verb],
  apiGroups: [group],
  resources: [resource],
  ...(name ? { resourceNames: [name] } : {}),
});

test("each system:controller role is bound to its kube-system service account", () => {
  const roles = bootstrapClusterRoles().filter((r) => r.metadata?.name?.startsWith("system:controller:"));
  assert.ok(roles.length >= 20);
  const bindings = bootstrapClusterRoleBindings();
  for (const r of roles) {
    const b = bindings.find((x) => x.metadata?.name === r.metadata?.name);
    assert.equal(b?.roleRef.name, r.metadata?.name);
    assert.deepEqual(b?.subjects, [
      {
        kind: "ServiceAccount",
        name: r.metadata?.name?.slice("system:controller:".length),
        namespace: "kube-system",
      },
    ]);
  }
});

test("roles grant what upstream grants and no more (job controller)", () => {
  const job = bootstrapClusterRoles().find((r) => r.metadata?.name === "system:controller:job-controller");
  const rules = job?.rules ?? [];
  assert.ok(rulesCover(rules, ruleOf("create", "", "pods")));
  assert.ok(rulesCover(rules, ruleOf("update", "batch", "jobs/status")));
  assert.ok(!rulesCover(rules, ruleOf("delete", "apps", "deployments")));
  assert.ok(!rulesCover(rules, ruleOf("get", "", "secrets")));
});

test("the bootstrap token controllers get namespaced roles only", () => {
  const roles = controllerRoles().map((r) => `${r.metadata?.namespace}/${r.metadata?.name}`);
  assert.deepEqual(roles.sort(), [
    "kube-public/system:controller:bootstrap-signer",
    "kube-system/system:controller:bootstrap-signer",
    "kube-system/system:controller:token-cleaner",
  ]);
  assert.equal(controllerRoleBindings().length, 3);
  const manager = bootstrapClusterRoles().find((r) => r.metadata?.name === "system:kube-controller-manager");
  assert.ok(rulesCover(manager?.rules ?? [], ruleOf("impersonate", "", "serviceaccounts", "token-cleaner")));
  assert.ok(!rulesCover(manager?.rules ?? [], ruleOf("impersonate", "", "serviceaccounts", "default")));
});
