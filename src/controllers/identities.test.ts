import assert from "node:assert/strict";
import { test } from "node:test";
import { controllerServiceAccountNames } from "../apiserver/auth/controller-roles.ts";
import { controllerServiceAccount, controllerServiceAccounts, serviceAccountUser } from "./identities.ts";

test("every controller account has a bootstrap role, and every role an account", () => {
  assert.deepEqual([...controllerServiceAccounts()].sort(), [...controllerServiceAccountNames].sort());
});

test("controllers map to upstream's account names; unknown controllers act as the manager", () => {
  assert.equal(controllerServiceAccount("garbage-collector-controller"), "generic-garbage-collector");
  assert.equal(controllerServiceAccount("taint-eviction-controller"), "node-controller");
  assert.equal(controllerServiceAccount("some-new-controller"), undefined);
  assert.equal(serviceAccountUser("job-controller"), "system:serviceaccount:kube-system:job-controller");
});
