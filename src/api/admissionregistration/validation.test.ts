import assert from "node:assert/strict";
import { test } from "node:test";
import { validateWebhooks } from "./validation.ts";

const good = {
  name: "a.example.com",
  clientConfig: { url: "https://127.0.0.1:8443/x" },
  rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
  sideEffects: "None",
  admissionReviewVersions: ["v1"],
};

test("a complete webhook is valid", () => {
  assert.deepEqual(validateWebhooks([good], true), []);
});

test("upstream's rules: names, duplicates, client config, side effects, review versions", () => {
  const fields = validateWebhooks(
    [
      { ...good, name: "short", sideEffects: "Some", admissionReviewVersions: ["v2"] },
      { ...good, clientConfig: { url: "https://h/x?q=1" } },
      { ...good, clientConfig: {} },
    ],
    false,
  ).map((e) => `${e.field}:${e.type}`);
  assert.deepEqual(fields, [
    "webhooks[0].name:FieldValueInvalid",
    "webhooks[0].sideEffects:FieldValueNotSupported",
    "webhooks[0].admissionReviewVersions:FieldValueInvalid",
    "webhooks[1].clientConfig.url:FieldValueInvalid",
    "webhooks[2].name:FieldValueDuplicate",
    "webhooks[2].clientConfig:FieldValueRequired",
  ]);
});
