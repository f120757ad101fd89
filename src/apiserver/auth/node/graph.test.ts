import assert from "node:assert/strict";
import { test } from "node:test";
import { podReferences } from "./graph.ts";

test("a pod references its secrets, configmaps, claims and service account", () => {
  const refs = podReferences({
    metadata: { name: "p", namespace: "ns" },
    spec: {
      serviceAccountName: "robot",
      imagePullSecrets: [{ name: "pull" }],
      containers: [
        {
          name: "c",
          env: [{ name: "A", valueFrom: { secretKeyRef: { name: "env-secret", key: "k" } } }],
          envFrom: [{ configMapRef: { name: "env-cm" } }],
        },
      ],
      volumes: [
        { name: "v1", secret: { secretName: "vol-secret" } },
        { name: "v2", projected: { sources: [{ configMap: { name: "proj-cm" } }] } },
        { name: "v3", persistentVolumeClaim: { claimName: "data" } },
        { name: "v4", ephemeral: {} },
      ],
    },
  });
  assert.deepEqual(refs.sort(), [
    "configmaps/ns/env-cm",
    "configmaps/ns/proj-cm",
    "persistentvolumeclaims/ns/data",
    "persistentvolumeclaims/ns/p-v4",
    "pods/ns/p",
    "secrets/ns/env-secret",
    "secrets/ns/pull",
    "secrets/ns/vol-secret",
    "serviceaccounts/ns/robot",
  ]);
});
