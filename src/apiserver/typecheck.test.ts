import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../api/errors.ts";
import { checkTypes } from "./typecheck.ts";

const is400 = (e: unknown) => e instanceof ApiError && e.code === 400;

test("wrong JSON types are 400 with Kubernetes' decoding message", () => {
  assert.throws(
    () => checkTypes("apps", "v1", "Deployment", { spec: { replicas: "three" } }),
    (e: unknown) =>
      is400(e) &&
      /cannot unmarshal string into Go struct field Deployment.spec.replicas of type int32/.test(
        (e as Error).message,
      ),
  );
  assert.throws(() => checkTypes("", "v1", "Service", { spec: { ports: 80 } }), is400);
  assert.throws(() => checkTypes("", "v1", "ConfigMap", { data: { a: 1 } }), is400);
  assert.throws(() => checkTypes("", "v1", "Namespace", { spec: 12 }), is400);
});

test("the message names the field's path through lists and maps", () => {
  const pod = { spec: { containers: [{ name: "a" }, { name: "b", ports: [{ containerPort: "x" }] }] } };
  assert.throws(
    () => checkTypes("", "v1", "Pod", pod),
    (e: unknown) =>
      is400(e) &&
      (e as Error).message.endsWith(
        "json: cannot unmarshal string into Go struct field Pod.spec.containers[1].ports[0].containerPort of type int32",
      ),
  );
  assert.throws(
    () => checkTypes("", "v1", "ConfigMap", { data: { "a.b": 1 } }),
    (e: unknown) =>
      is400(e) && (e as Error).message.includes("Go struct field ConfigMap.data.a.b of type string"),
  );
});

test("well-typed objects, quantities, int-or-string and nulls pass", () => {
  checkTypes("", "v1", "Pod", {
    metadata: { name: "p", labels: { a: "b" }, creationTimestamp: null },
    spec: {
      containers: [
        {
          name: "c",
          image: "i",
          resources: { limits: { cpu: 1, memory: "1Gi" } },
          ports: [{ containerPort: 80 }],
        },
      ],
    },
  });
  checkTypes("", "v1", "Service", { spec: { ports: [{ port: 80, targetPort: "http" }] } });
  checkTypes("", "v1", "Service", { spec: { ports: [{ port: 80, targetPort: 8080 }] } });
  checkTypes("example.com", "v1", "Unknown", { anything: 1 });
});
