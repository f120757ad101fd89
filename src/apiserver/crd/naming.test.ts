import assert from "node:assert/strict";
import { test } from "node:test";
import { cronTabCrd } from "../../api/apiextensions/testing.ts";
import { Registry } from "../../api/registry.ts";
import { decideNames } from "./naming.ts";

const now = new Date("2024-01-01T00:00:00Z");

test("free names are accepted and establish the CRD", () => {
  const d = decideNames({ crd: cronTabCrd(), others: [], registry: new Registry(), now });
  assert.equal(d.accepted, true);
  assert.deepEqual(
    d.conditions.map((c) => `${c.type}=${c.status} ${c.reason}`),
    ["NamesAccepted=True NoConflicts", "Established=True InitialNamesAccepted"],
  );
  assert.equal(d.acceptedNames.plural, "crontabs");
});

test("a plural used by another CRD of the group is refused", () => {
  const other = cronTabCrd();
  other.metadata = { name: "other" };
  const crd = cronTabCrd();
  crd.spec.names = { plural: "crontabs", kind: "Other" };
  const d = decideNames({ crd, others: [other], registry: new Registry(), now });
  assert.equal(d.accepted, false);
  assert.deepEqual(d.conditions[0], {
    type: "NamesAccepted",
    status: "False",
    reason: "PluralConflict",
    message: '"crontabs" is already in use',
    lastTransitionTime: "2024-01-01T00:00:00Z",
  });
});
