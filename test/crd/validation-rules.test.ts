// CRD `x-kubernetes-validations` with real kubectl 1.32: rules on the spec, on list items and
// on the root, messageExpression, reason and fieldPath, transition rules with oldSelf, and a
// CRD whose rule does not compile refused at the rule's path.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";

const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.rules.example.com}
spec:
  group: rules.example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-validations:
        - rule: "self.metadata.name.startsWith('w-')"
          message: "widget names start with w-"
        properties:
          spec:
            type: object
            x-kubernetes-validations:
            - rule: "self.replicas <= self.maxReplicas"
              messageExpression: "'replicas ' + string(self.replicas) + ' exceed maxReplicas ' + string(self.maxReplicas)"
            - rule: "self.mode == oldSelf.mode"
              message: "mode is immutable"
            - rule: "!has(self.owner) || self.owner.size() > 2"
              fieldPath: ".owner"
              reason: FieldValueForbidden
              message: "owner too short"
            properties:
              replicas: {type: integer}
              maxReplicas: {type: integer}
              mode: {type: string}
              owner: {type: string}
              ports:
                type: array
                items:
                  type: object
                  x-kubernetes-validations:
                  - rule: "self.port > 1024"
                    message: "ports must be unprivileged"
                  properties:
                    port: {type: integer}
`;

const widget = (name: string, spec: string) => `apiVersion: rules.example.com/v1
kind: Widget
metadata: {name: ${name}, namespace: default}
spec: ${spec}
`;

describe("CRD validation rules with kubectl 1.32", () => {
  const server = new SkiffServer({ apiOnly: true });
  const k = () => server.client("1.32");
  const run = (args: string[], input?: string) => k().run(args, input === undefined ? {} : { input });

  before(async () => {
    await server.start();
    const applied = await run(["apply", "-f", "-"], crd);
    assert.equal(applied.code, 0, applied.stderr);
    await k().ok("wait", "--for=condition=Established", "--timeout=10s", "crd/widgets.rules.example.com");
  });
  after(async () => {
    await server.stop();
  });

  it("admits an object that satisfies every rule", async () => {
    const r = await run(
      ["apply", "-f", "-"],
      widget("w-ok", "{replicas: 2, maxReplicas: 3, mode: a, ports: [{port: 8080}]}"),
    );
    assert.equal(r.code, 0, r.stderr);
  });

  it("rejects with the messageExpression's message at the rule's node", async () => {
    const r = await run(["apply", "-f", "-"], widget("w-big", "{replicas: 5, maxReplicas: 3, mode: a}"));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The Widget "w-big" is invalid: spec: Invalid value: "object": replicas 5 exceed maxReplicas 3/,
    );
  });

  it("reports list items, the root and fieldPath/reason rules at their paths", async () => {
    const r = await run(
      ["apply", "-f", "-"],
      widget("bad", "{replicas: 1, maxReplicas: 3, mode: a, owner: x, ports: [{port: 80}]}"),
    );
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.ports\[0\]: Invalid value: "object": ports must be unprivileged/);
    assert.match(r.stderr, /<nil>: Invalid value: "object": widget names start with w-/);
    assert.match(r.stderr, /spec\.owner: Forbidden: owner too short/);
  });

  it("checks transition rules against the stored object on update", async () => {
    const changed = await run(
      ["apply", "-f", "-"],
      widget("w-ok", "{replicas: 2, maxReplicas: 3, mode: b, ports: [{port: 8080}]}"),
    );
    assert.notEqual(changed.code, 0);
    assert.match(
      changed.stderr,
      /The Widget "w-ok" is invalid: spec: Invalid value: "object": mode is immutable/,
    );
    const scaled = await run(["patch", "widget", "w-ok", "--type=merge", "-p", '{"spec":{"replicas":3}}']);
    assert.equal(scaled.code, 0, scaled.stderr);
  });

  it("refuses a CRD whose rule does not compile", async () => {
    const broken = crd
      .replace("widgets.rules.example.com", "gadgets.rules.example.com")
      .replace(
        "plural: widgets, singular: widget, kind: Widget",
        "plural: gadgets, singular: gadget, kind: Gadget",
      )
      .replace('"self.replicas <= self.maxReplicas"', '"self.replicas <="');
    const r = await run(["apply", "-f", "-"], broken);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The CustomResourceDefinition "gadgets\.rules\.example\.com" is invalid: spec\.versions\[0\]\.schema\.openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: Invalid value: "self\.replicas <=": compilation failed: ERROR: <input>:1:17: Syntax error: mismatched input '<EOF>'/,
    );
  });
});
