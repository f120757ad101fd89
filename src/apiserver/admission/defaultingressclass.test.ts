import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultIngressClass } from "./defaultingressclass.ts";

const cls = (name: string, created: string, isDefault: boolean) => ({
  metadata: {
    name,
    creationTimestamp: created,
    ...(isDefault ? { annotations: { "ingressclass.kubernetes.io/is-default-class": "true" } } : {}),
  },
  spec: { controller: "x/y" },
});

test("the newest IngressClass marked default is chosen; none marked gives none", () => {
  assert.equal(
    defaultIngressClass([
      cls("old", "2026-01-01T00:00:00Z", true),
      cls("new", "2026-02-01T00:00:00Z", true),
      cls("plain", "2026-03-01T00:00:00Z", false),
    ]),
    "new",
  );
  assert.equal(defaultIngressClass([cls("plain", "2026-03-01T00:00:00Z", false)]), undefined);
});
