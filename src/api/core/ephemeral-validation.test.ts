import assert from "node:assert/strict";
import { test } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { FieldPath } from "../field.ts";
import {
  validateEphemeralContainers,
  validateEphemeralContainersUpdate,
  validateNoEphemeralOnCreate,
} from "./ephemeral-validation.ts";

const base = { image: "busybox", imagePullPolicy: "IfNotPresent", terminationMessagePolicy: "File" };
const at = FieldPath.root("spec").child("ephemeralContainers");

test("allowed fields pass; ports, probes, lifecycle, subPath and restartPolicy are forbidden", () => {
  const ctx = { volumes: new Set(["v"]), names: new Set(["app"]) };
  assert.deepEqual(
    validateEphemeralContainers([{ ...base, name: "d", targetContainerName: "app", resources: {} }], at, ctx),
    [],
  );
  const errs = validateEphemeralContainers(
    [
      {
        ...base,
        name: "e",
        ports: [{ containerPort: 80, protocol: "TCP" }],
        lifecycle: { preStop: { exec: { command: ["x"] } } },
        volumeMounts: [{ name: "v", mountPath: "/v", subPath: "a" }],
        restartPolicy: "Always",
      } as never,
    ],
    at,
    { volumes: new Set(["v"]), names: new Set(["app"]) },
  );
  assert.deepEqual(
    errs.map((e) => e.field),
    [
      "spec.ephemeralContainers[0].ports",
      "spec.ephemeralContainers[0].lifecycle",
      "spec.ephemeralContainers[0].volumeMounts[0].subPath",
      "spec.ephemeralContainers[0].restartPolicy",
    ],
  );
});

test("a target must be a container or init container, not another ephemeral one", () => {
  const ctx = { volumes: new Set<string>(), names: new Set(["app"]) };
  const errs = validateEphemeralContainers(
    [
      { ...base, name: "d1" },
      { ...base, name: "d2", targetContainerName: "d1" },
    ],
    at,
    ctx,
  );
  assert.deepEqual(
    errs.map((e) => `${e.type} ${e.field}`),
    ["FieldValueNotFound spec.ephemeralContainers[1].targetContainerName"],
  );
});

test("update: additions only; static pods refuse; create must have none", () => {
  const pod = (names: string[], image = "busybox"): Pod => ({
    metadata: { name: "p" },
    spec: { containers: [], ephemeralContainers: names.map((name) => ({ name, image })) },
  });
  assert.deepEqual(validateEphemeralContainersUpdate(pod(["a", "b"]), pod(["a"])), []);
  assert.match(validateEphemeralContainersUpdate(pod([]), pod(["a"]))[0]?.detail ?? "", /may not be removed/);
  assert.equal(
    validateEphemeralContainersUpdate(pod(["a"], "x"), pod(["a"]))[0]?.field,
    "spec.ephemeralContainers[a]",
  );
  const mirror = pod(["a"]);
  mirror.metadata = { annotations: { "kubernetes.io/config.mirror": "h" } };
  assert.match(validateEphemeralContainersUpdate(pod(["a"]), mirror)[0]?.detail ?? "", /static pods/);
  assert.equal(validateNoEphemeralOnCreate(pod(["a"])).length, 1);
  assert.equal(validateNoEphemeralOnCreate(pod([])).length, 0);
});
