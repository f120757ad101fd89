// Per-controller identities: every controller of `skiff server` acts as its ServiceAccount
// kube-system/<name> bound to system:controller:<name>. A normal scenario (deployment, job,
// statefulset, service, quota, PDB, cascading delete, namespace delete) completes, the audit log
// shows the writes under the controllers' accounts and no controller request was refused, and an
// account cannot do what its role does not grant.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { controllerServiceAccountNames } from "../../src/apiserver/auth/controller-roles.ts";
import { controllerServiceAccounts } from "../../src/controllers/identities.ts";
import { eventually } from "../metrics/support.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { tempDir } from "../support/tempdir.ts";

const dir = tempDir("skiff-ctrl-ids-");
const policyPath = join(dir.path, "policy.yaml");
const logPath = join(dir.path, "audit.log");
const server = new SkiffServer();
const sa = (name: string) => `system:serviceaccount:kube-system:${name}`;

before(async () => {
  writeFileSync(
    policyPath,
    `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: None
    verbs: [get, list, watch]
  - level: None
    resources: [{group: "coordination.k8s.io", resources: ["leases"]}]
  - level: Metadata
`,
  );
  await server.start(["--audit-policy-file", policyPath, "--audit-log-path", logPath]);
});
after(async () => {
  await server.stop();
  dir.remove();
});

interface AuditEvent {
  verb: string;
  user: { username: string };
  impersonatedUser?: { username: string };
  objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number; message?: string };
}

function auditEvents(): AuditEvent[] {
  return readFileSync(logPath, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as AuditEvent);
}

const actor = (e: AuditEvent) => e.impersonatedUser?.username ?? e.user.username;

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await server.kubectl(args, stdin !== undefined ? { input: stdin } : {});
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function jsonpath(args: string[], path: string): Promise<string> {
  const r = await server.kubectl([...args, "-o", `jsonpath=${path}`]);
  return r.code === 0 ? r.stdout : "";
}

/** Waits until `kubectl <args> -o jsonpath=<path>` prints something `ok` accepts. */
function until(what: string, args: string[], path: string, ok: (out: string) => boolean, timeoutMs?: number) {
  return eventually(what, async () => (ok(await jsonpath(args, path)) ? true : undefined), timeoutMs);
}

const manifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ids}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: once, namespace: ids}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ids}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ids}
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q, namespace: ids}
spec:
  hard: {pods: "20"}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pdb, namespace: ids}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
`;

test("every controller account has a bootstrap role, and every role an account", () => {
  assert.deepEqual([...controllerServiceAccounts()].sort(), [...controllerServiceAccountNames].sort());
});

test("every controller does its work as its own service account, none is refused", async () => {
  await ok(["create", "namespace", "ids"]);
  await until(
    "default ServiceAccount",
    ["get", "sa", "default", "-n", "ids"],
    "{.metadata.name}",
    (out) => out === "default",
  );
  await until(
    "kube-root-ca.crt",
    ["get", "cm", "kube-root-ca.crt", "-n", "ids"],
    "{.metadata.name}",
    (out) => out !== "",
  );
  await ok(["apply", "-f", "-"], manifests);
  await eventually("web pods", async () => {
    const names = await jsonpath(["get", "pods", "-n", "ids", "-l", "app=web"], "{.items[*].metadata.name}");
    return names.split(" ").filter((n) => n !== "").length === 2 ? true : undefined;
  });
  await until(
    "job pod",
    ["get", "pods", "-n", "ids", "-l", "job-name=once"],
    "{.items[*].metadata.name}",
    (out) => out !== "",
  );
  await until(
    "statefulset pod",
    ["get", "pod", "db-0", "-n", "ids"],
    "{.metadata.name}",
    (out) => out === "db-0",
  );
  await until(
    "endpointslice",
    ["get", "endpointslices", "-n", "ids", "-l", "kubernetes.io/service-name=web"],
    "{.items[*].metadata.name}",
    (out) => out !== "",
  );
  await until(
    "endpoints",
    ["get", "endpoints", "web", "-n", "ids"],
    "{.metadata.name}",
    (out) => out === "web",
  );
  await until(
    "quota usage",
    ["get", "resourcequota", "q", "-n", "ids"],
    "{.status.used.pods}",
    (out) => Number(out) >= 4,
  );
  await until(
    "pdb status",
    ["get", "pdb", "pdb", "-n", "ids"],
    "{.status.observedGeneration}",
    (out) => out === "1",
  );
  // The garbage collector removes the ReplicaSet and its pods of a deleted Deployment.
  await ok(["delete", "deployment", "web", "-n", "ids", "--wait=false"]);
  await until(
    "replicasets collected",
    ["get", "rs", "-n", "ids"],
    "{.items[*].metadata.name}",
    (out) => out === "",
  );
  await ok(["delete", "namespace", "ids", "--wait=false"]);
  await eventually(
    "namespace deleted",
    async () => ((await server.kubectl(["get", "namespace", "ids"])).code !== 0 ? true : undefined),
    90_000,
  );

  const events = auditEvents();
  // Refused by authorization (creates in the terminating namespace are refused by admission).
  const refused = events.filter(
    (e) =>
      actor(e).startsWith("system:serviceaccount:kube-system:") &&
      e.responseStatus?.code === 403 &&
      /cannot \S+ resource/.test(e.responseStatus.message ?? ""),
  );
  assert.deepEqual(
    refused.map((e) => `${actor(e)} ${e.verb} ${e.objectRef?.resource}/${e.objectRef?.subresource ?? ""}`),
    [],
  );
  const creators = (resource: string) =>
    new Set(
      events
        .filter((e) => e.verb === "create" && e.objectRef?.resource === resource && !e.objectRef.subresource)
        .filter((e) => e.objectRef?.namespace === "ids")
        .map(actor),
    );
  assert.deepEqual([...creators("pods")].sort(), [
    sa("job-controller"),
    sa("replicaset-controller"),
    sa("statefulset-controller"),
  ]);
  assert.deepEqual([...creators("replicasets")], [sa("deployment-controller")]);
  assert.deepEqual([...creators("serviceaccounts")], [sa("service-account-controller")]);
  assert.deepEqual([...creators("endpointslices")], [sa("endpointslice-controller")]);
  const deleters = new Set(
    events.filter((e) => e.verb === "delete" && e.objectRef?.resource === "replicasets").map(actor),
  );
  assert.ok(deleters.has(sa("generic-garbage-collector")), [...deleters].join(", "));
  const statusWriters = (resource: string) =>
    new Set(
      events
        .filter((e) => e.objectRef?.resource === resource && e.objectRef.subresource === "status")
        .map(actor),
    );
  assert.ok(statusWriters("resourcequotas").has(sa("resourcequota-controller")));
  assert.ok(statusWriters("poddisruptionbudgets").has(sa("disruption-controller")));
  assert.ok(statusWriters("deployments").has(sa("deployment-controller")));
  // The accounts exist, as upstream's controller-manager creates them.
  const accounts = await jsonpath(["get", "sa", "-n", "kube-system"], "{.items[*].metadata.name}");
  for (const name of ["job-controller", "generic-garbage-collector", "node-controller"]) {
    assert.ok(accounts.split(" ").includes(name), accounts);
  }
});

test("a controller's account is refused what its role does not grant", async () => {
  const job = sa("job-controller");
  const can = async (args: string[]) =>
    (await server.kubectl(["auth", "can-i", ...args, `--as=${job}`])).stdout.trim();
  assert.equal(await can(["create", "pods", "-n", "default"]), "yes");
  assert.equal(await can(["update", "jobs.batch/status", "-n", "default"]), "yes");
  assert.equal(await can(["delete", "deployments.apps", "-n", "default"]), "no");
  assert.equal(await can(["get", "secrets", "-n", "kube-system"]), "no");
  await ok(["create", "deployment", "keep", "--image=busybox", "-n", "default"]);
  const r = await server.kubectl(["delete", "deployment", "keep", "-n", "default", `--as=${job}`]);
  assert.notEqual(r.code, 0);
  assert.match(
    r.stderr,
    /deployments\.apps "keep" is forbidden: User "system:serviceaccount:kube-system:job-controller" cannot delete resource "deployments" in API group "apps" in the namespace "default"/,
  );
  // SubjectAccessReview answers alike for another controller.
  const sar = JSON.parse(
    await ok(
      ["create", "-f", "-", "-o", "json"],
      JSON.stringify({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: sa("endpoint-controller"),
          groups: ["system:serviceaccounts", "system:serviceaccounts:kube-system"],
          resourceAttributes: { verb: "delete", group: "", resource: "pods", namespace: "default" },
        },
      }),
    ),
  ) as { status: { allowed: boolean } };
  assert.equal(sar.status.allowed, false);
  // The manager itself may impersonate only the controllers' accounts.
  const mgr = "system:kube-controller-manager";
  const canImpersonate = async (name: string) =>
    (
      await server.kubectl([
        "auth",
        "can-i",
        "impersonate",
        `serviceaccounts/${name}`,
        "-n",
        "kube-system",
        `--as=${mgr}`,
      ])
    ).stdout.trim();
  assert.equal(await canImpersonate("job-controller"), "yes");
  assert.equal(await canImpersonate("default"), "no");
});
