import assert from "node:assert/strict";
import { test } from "node:test";
import raw from "../schema/definitions.generated.json" with { type: "json" };
import { isScalar, kindMessage, type MessageDef, messageDef, messageNames, openApiName } from "./table.ts";

const wellKnown = new Set([
  "meta.v1.Time",
  "meta.v1.MicroTime",
  "meta.v1.Duration",
  "meta.v1.FieldsV1",
  "resource.Quantity",
  "intstr.IntOrString",
  "runtime.RawExtension",
]);

function def(name: string): MessageDef {
  const d = messageDef(name);
  assert.ok(d, `${name} is tabled`);
  return d;
}

test("every table entry parses and every referenced message is tabled or well-known", () => {
  const names = messageNames();
  assert.ok(names.length > 300, `${names.length} messages`);
  for (const name of names) {
    const d = def(name);
    for (const f of d.fields.values()) {
      if (isScalar(f.type) || wellKnown.has(f.type)) continue;
      assert.ok(messageDef(f.type), `${name}.${f.json} refers to ${f.type}`);
    }
  }
});

/** Fields of kubernetes-types 1.30 that Kubernetes has since removed (retired in table.ts). */
const removedUpstream = new Set(["io.k8s.api.core.v1.PodResourceClaim.source"]);

/** JSON names a message produces, with inlined structs expanded. */
function jsonNames(d: MessageDef): Set<string> {
  const out = new Set<string>();
  for (const f of d.fields.values()) {
    if (f.retired) continue;
    if (f.json === "") for (const n of jsonNames(def(f.type))) out.add(n);
    else out.add(f.json);
  }
  return out;
}

test("the tables cover every field our schemas know, for every tabled message", () => {
  const schemas = raw as unknown as Record<string, { properties?: Record<string, unknown> }>;
  let compared = 0;
  const missing: string[] = [];
  for (const name of messageNames()) {
    const d = def(name);
    const schema = schemas[openApiName(name)];
    if (!schema?.properties || d.arrayOf !== undefined) continue;
    compared++;
    const names = jsonNames(d);
    for (const prop of Object.keys(schema.properties)) {
      if (prop === "apiVersion" || prop === "kind") continue;
      if (!names.has(prop) && !removedUpstream.has(`${openApiName(name)}.${prop}`))
        missing.push(`${openApiName(name)}.${prop}`);
    }
  }
  assert.ok(compared > 250, `${compared} messages compared`);
  assert.deepEqual(missing, []);
});

test("kinds map to their messages", () => {
  assert.equal(kindMessage("v1", "ConfigMap"), "core.v1.ConfigMap");
  assert.equal(kindMessage("rbac.authorization.k8s.io/v1", "RoleBinding"), "rbac.v1.RoleBinding");
  assert.equal(kindMessage("networking.k8s.io/v1", "Ingress"), "networking.v1.Ingress");
  assert.equal(kindMessage("policy/v1", "DeleteOptions"), "meta.v1.DeleteOptions");
  assert.equal(kindMessage("v1", "Widget"), undefined);
  assert.equal(kindMessage("v1", "ObjectMeta"), undefined);
});
