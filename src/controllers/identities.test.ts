import assert from "node:assert/strict";
import { test } from "node:test";
import { controllerServiceAccount, serviceAccountUser } from "./identities.ts";

test("controllers map to upstream's account names; unknown controllers act as the manager", () => {
  assert.equal(controllerServiceAccount("garbage-collector-controller"), "generic-garbage-collector");
  assert.equal(controllerServiceAccount("taint-eviction-controller"), "node-controller");
  assert.equal(controllerServiceAccount("some-new-controller"), undefined);
  assert.equal(serviceAccountUser("job-controller"), "system:serviceaccount:kube-system:job-controller");
});
