// ValidatingAdmissionPolicy with real kubectl 1.32 against `skiff server`: a policy with
// ConfigMap params limits Deployment replicas (Kubernetes' denial message), expressions are
// compiled at create (422 at spec.validations[0].expression), Warn prints kubectl warnings,
// messageExpression/reason/matchConditions/variables/namespaceSelector and
// parameterNotFoundAction behave as upstream, and the kinds print their tables.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

const deployment = (
  name: string,
  replicas: number,
  namespace = "default",
  labels = "",
) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
${labels ? `  labels: {${labels}}\n` : ""}spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: c, image: nginx}]
`;

/** A policy on configmaps with the given `validations` items (YAML, indented under validations). */
const brokenPolicy = (validations: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: broken}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"]}]
  validations:
  ${validations}
`;

const replicaPolicy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: max-replicas
spec:
  failurePolicy: Fail
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: max-replicas-binding
spec:
  policyName: max-replicas
  validationActions: [Deny]
  paramRef:
    name: replica-limits
    namespace: default
    parameterNotFoundAction: Deny
---
apiVersion: v1
kind: ConfigMap
metadata: {name: replica-limits, namespace: default}
data: {maxReplicas: "5"}
`;

describe("ValidatingAdmissionPolicy with kubectl 1.32", () => {
  const server = new SkiffServer({ apiOnly: true });
  const k = () => server.client("1.32");
  const run = (args: string[], input?: string) => k().run(args, input === undefined ? {} : { input });

  const auditDir = tempDir("skiff-vap-audit-");
  const auditLog = join(auditDir.path, "audit.log");
  /** Audit events of deployment creates (their annotations carry Audit actions and auditAnnotations). */
  const auditedCreates = (): { objectRef?: { name?: string }; annotations?: Record<string, string> }[] =>
    readFileSync(auditLog, "utf8")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l))
      .filter((e) => e.objectRef?.resource === "deployments" && e.verb === "create");

  before(async () => {
    const policyFile = join(auditDir.path, "policy.yaml");
    writeFileSync(
      policyFile,
      "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  resources: [{group: apps}]\n- level: None\n",
    );
    await server.start(["--audit-policy-file", policyFile, "--audit-log-path", auditLog]);
    await k().ok("create", "namespace", "team-a");
    await k().ok("label", "namespace", "team-a", "env=prod");
  });
  after(async () => {
    await server.stop();
    auditDir.remove();
  });

  it("denies a Deployment over the limit from the binding's ConfigMap params", async () => {
    const applied = await run(["apply", "-f", "-"], replicaPolicy);
    assert.equal(applied.code, 0, applied.stderr);
    const small = await run(["apply", "-f", "-"], deployment("small", 3));
    assert.equal(small.code, 0, small.stderr);
    const big = await run(["apply", "-f", "-"], deployment("big", 6));
    assert.notEqual(big.code, 0);
    assert.equal(
      big.stderr.trim(),
      `The deployments "big" is invalid: : ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed expression: object.spec.replicas <= int(params.data.maxReplicas)`,
    );
    // Raising the limit in the params admits it.
    await k().ok("patch", "configmap", "replica-limits", "-p", '{"data":{"maxReplicas":"10"}}');
    const again = await run(["apply", "-f", "-"], deployment("big", 6));
    assert.equal(again.code, 0, again.stderr);
    // Scaling goes through the same policy (UPDATE of the deployment).
    const scaled = await run(["patch", "deployment", "big", "-p", '{"spec":{"replicas":11}}']);
    assert.notEqual(scaled.code, 0);
    assert.match(scaled.stderr, /denied request: failed expression/);
  });

  it("prints the policy and binding tables", async () => {
    const policies = await k().ok("get", "validatingadmissionpolicies");
    assert.match(policies, /^NAME\s+VALIDATIONS\s+PARAMKIND\s+AGE$/m);
    assert.match(policies, /^max-replicas\s+1\s+v1\/ConfigMap\s+\d+s$/m);
    const bindings = await k().ok("get", "validatingadmissionpolicybindings");
    assert.match(bindings, /^NAME\s+POLICYNAME\s+PARAMREF\s+AGE$/m);
    assert.match(bindings, /^max-replicas-binding\s+max-replicas\s+default\/replica-limits\s+\d+s$/m);
  });

  it("denies when the params are missing and parameterNotFoundAction is Deny", async () => {
    await k().ok("delete", "configmap", "replica-limits");
    const r = await run(["apply", "-f", "-"], deployment("noparams", 1));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /ValidatingAdmissionPolicy 'max-replicas' with binding 'max-replicas-binding' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction/,
    );
    await k().ok("delete", "validatingadmissionpolicybinding", "max-replicas-binding");
    const freed = await run(["apply", "-f", "-"], deployment("noparams", 1));
    assert.equal(freed.code, 0, freed.stderr);
  });

  it("refuses a policy whose expression does not compile, at the expression's path", async () => {
    const r = await run(["apply", "-f", "-"], brokenPolicy('- expression: "object.data.size() <"'));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The ValidatingAdmissionPolicy "broken" is invalid: spec\.validations\[0\]\.expression: Invalid value: "object\.data\.size\(\) <": compilation failed: ERROR: <input>:1:21: Syntax error: mismatched input '<EOF>'/,
    );
    const undeclared = await run(
      ["apply", "-f", "-"],
      brokenPolicy('- expression: "true"\n    messageExpression: "objekt.metadata.name"'),
    );
    assert.notEqual(undeclared.code, 0);
    assert.match(
      undeclared.stderr,
      /spec\.validations\[0\]\.messageExpression: Invalid value: "objekt\.metadata\.name": compilation failed: ERROR: <input>:1:1: undeclared reference to 'objekt'/,
    );
    const missing = await run(["get", "validatingadmissionpolicy", "broken"]);
    assert.notEqual(missing.code, 0);
  });

  it("Warn prints a kubectl warning and admits; messageExpression, variables and namespaceSelector apply", async () => {
    const applied = await run(
      ["apply", "-f", "-"],
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: owner-label}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["deployments"]}]
  variables:
  - name: labels
    expression: "has(object.metadata.labels) ? object.metadata.labels : {}"
  auditAnnotations:
  - key: owner
    valueExpression: "'owner' in variables.labels ? variables.labels.owner : null"
  validations:
  - expression: "'owner' in variables.labels"
    messageExpression: "'deployment ' + object.metadata.name + ' in ' + namespaceObject.metadata.name + ' has no owner label'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: owner-label-warn}
spec:
  policyName: owner-label
  validationActions: [Warn, Audit]
  matchResources:
    namespaceSelector: {matchLabels: {env: prod}}
`,
    );
    assert.equal(applied.code, 0, applied.stderr);
    const warned = await run(["apply", "-f", "-"], deployment("unowned", 1, "team-a"));
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /^Warning: Validation failed for ValidatingAdmissionPolicy 'owner-label' with binding 'owner-label-warn': deployment unowned in team-a has no owner label$/m,
    );
    const owned = await run(["apply", "-f", "-"], deployment("owned", 1, "team-a", "owner: me"));
    assert.equal(owned.code, 0, owned.stderr);
    assert.doesNotMatch(owned.stderr, /Warning/);
    const unownedEvent = auditedCreates().find((e) => e.objectRef?.name === "unowned");
    assert.deepEqual(
      JSON.parse(
        unownedEvent?.annotations?.["validation.policy.admission.k8s.io/validation_failure"] ?? "null",
      ),
      [
        {
          message: "deployment unowned in team-a has no owner label",
          policy: "owner-label",
          binding: "owner-label-warn",
          expressionIndex: 0,
          validationActions: ["Warn", "Audit"],
        },
      ],
    );
    const ownedEvent = auditedCreates().find((e) => e.objectRef?.name === "owned");
    assert.equal(ownedEvent?.annotations?.["owner-label/owner"], "me");
    assert.equal(
      ownedEvent?.annotations?.["validation.policy.admission.k8s.io/validation_failure"],
      undefined,
    );
    // default is not labelled env=prod: the binding does not select it.
    const elsewhere = await run(["apply", "-f", "-"], deployment("unowned", 1, "default"));
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.doesNotMatch(elsewhere.stderr, /Warning/);
  });

  it("uses the validation's reason (Forbidden → 403) and skips requests a matchCondition excludes", async () => {
    const applied = await run(
      ["apply", "-f", "-"],
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-latest}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["configmaps"]}]
  matchConditions:
  - name: not-exempt
    expression: "!has(object.metadata.labels) || !('exempt' in object.metadata.labels)"
  validations:
  - expression: "!has(object.data) || !object.data.exists(k, object.data[k] == 'latest')"
    message: "configmaps may not say latest"
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-latest}
spec:
  policyName: no-latest
  validationActions: [Deny]
`,
    );
    assert.equal(applied.code, 0, applied.stderr);
    const denied = await run(["create", "configmap", "tagged", "--from-literal=tag=latest"]);
    assert.notEqual(denied.code, 0);
    const status = await run(["create", "configmap", "tagged", "--from-literal=tag=latest", "-v=6"]);
    assert.match(status.stderr, /"code":403|Response Status: 403|403 Forbidden/);
    assert.equal(
      denied.stderr.trim(),
      `error: failed to create configmap: configmaps "tagged" is forbidden: ValidatingAdmissionPolicy 'no-latest' with binding 'no-latest' denied request: configmaps may not say latest`,
    );
    const exempt = await run(
      ["apply", "-f", "-"],
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: exempt, labels: {exempt: 'yes'}}\ndata: {tag: latest}\n",
    );
    assert.equal(exempt.code, 0, exempt.stderr);
  });

  it("takes params from custom resources picked by a label selector, once per param object", async () => {
    const applied = await run(
      ["apply", "-f", "-"],
      `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: limits.policy.example.com}
spec:
  group: policy.example.com
  scope: Cluster
  names: {plural: limits, singular: limit, kind: Limit}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, properties: {maxReplicas: {type: integer}}}
`,
    );
    assert.equal(applied.code, 0, applied.stderr);
    await k().ok("wait", "--for=condition=Established", "--timeout=10s", "crd/limits.policy.example.com");
    const policy = await run(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: Namespace
metadata: {name: team-b}
---
apiVersion: policy.example.com/v1
kind: Limit
metadata: {name: strict, labels: {policy: replicas}}
spec: {maxReplicas: 2}
---
apiVersion: policy.example.com/v1
kind: Limit
metadata: {name: lax, labels: {policy: replicas}}
spec: {maxReplicas: 4}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: crd-limit}
spec:
  paramKind: {apiVersion: policy.example.com/v1, kind: Limit}
  matchConstraints:
    resourceRules: [{apiGroups: ["apps"], apiVersions: ["v1"], operations: ["CREATE"], resources: ["deployments"]}]
  validations:
  - expression: "object.spec.replicas <= params.spec.maxReplicas"
    messageExpression: "'at most ' + string(params.spec.maxReplicas) + ' replicas (limit ' + params.metadata.name + ')'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: crd-limit}
spec:
  policyName: crd-limit
  validationActions: [Deny]
  matchResources:
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: team-b}}
  paramRef:
    selector: {matchLabels: {policy: replicas}}
    parameterNotFoundAction: Allow
`,
    );
    assert.equal(policy.code, 0, policy.stderr);
    const ok = await run(["apply", "-f", "-"], deployment("two", 2, "team-b"));
    assert.equal(ok.code, 0, ok.stderr);
    // Every selected param must pass: 3 replicas satisfies lax but not strict.
    const three = await run(["apply", "-f", "-"], deployment("three", 3, "team-b"));
    assert.notEqual(three.code, 0);
    assert.match(
      three.stderr,
      /ValidatingAdmissionPolicy 'crd-limit' with binding 'crd-limit' denied request: at most 2 replicas \(limit strict\)/,
    );
    // No params left: parameterNotFoundAction Allow admits.
    await k().ok("delete", "limits", "--all");
    const freed = await run(["apply", "-f", "-"], deployment("three", 3, "team-b"));
    assert.equal(freed.code, 0, freed.stderr);
  });
});
