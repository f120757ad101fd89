// The garbage collector in `skiff server`, driven by the real kubectl 1.32: background, foreground
// and orphan cascades with hand-made owners and dependents (ConfigMaps, a Deployment, a
// ReplicaSet and a Pod whose labels no workload controller selects).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { eventually } from "../client/gated-transport.ts";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer();
before(async () => {
  await server.start();
});
after(async () => {
  assert.equal(await server.stop(), 0, "server exits cleanly on SIGTERM");
});

async function ok(args: string[], input?: string): Promise<string> {
  const r = await server.kubectl(args, input === undefined ? {} : { input });
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}

const uid = (kind: string, name: string) => ok(["get", kind, name, "-o", "jsonpath={.metadata.uid}"]);
const names = async (kind: string) =>
  (await ok(["get", kind, "-o", "name"])).split("\n").filter(Boolean).sort();

function ref(apiVersion: string, kind: string, name: string, id: string, block = false): string {
  return `{apiVersion: ${apiVersion}, kind: ${kind}, name: ${name}, uid: ${id}${block ? ", blockOwnerDeletion: true" : ""}}`;
}

test("background (kubectl's default): dependents of a deleted owner are deleted", async () => {
  await ok(["create", "configmap", "bg-owner"]);
  const owner = await uid("configmap", "bg-owner");
  await ok(
    ["apply", "-f", "-"],
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bg-dep\n  ownerReferences: [${ref("v1", "ConfigMap", "bg-owner", owner)}]\n`,
  );
  await ok(["delete", "configmap", "bg-owner", "--cascade=background"]);
  await eventually(async () => {
    assert.ok(!(await names("configmaps")).includes("configmap/bg-dep"));
  }, 500);
});

test("foreground: the Deployment waits for its ReplicaSet, which waits for its Pod", async () => {
  await ok(["create", "deployment", "fg", "--image=nginx", "--replicas=0"]);
  const deploy = await uid("deployment", "fg");
  await ok(
    ["apply", "-f", "-"],
    `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: fg-rs
  labels: {gc-test: fg}
  ownerReferences: [${ref("apps/v1", "Deployment", "fg", deploy, true)}]
spec:
  replicas: 0
  selector: {matchLabels: {gc-test: fg-rs}}
  template:
    metadata: {labels: {gc-test: fg-rs}}
    spec: {containers: [{name: c, image: nginx}]}
`,
  );
  const rs = await uid("replicaset", "fg-rs");
  await ok(
    ["apply", "-f", "-"],
    `apiVersion: v1
kind: Pod
metadata:
  name: fg-pod
  labels: {gc-test: unselected}
  finalizers: [example.com/hold]
  ownerReferences: [${ref("apps/v1", "ReplicaSet", "fg-rs", rs, true)}]
spec: {containers: [{name: c, image: nginx}]}
`,
  );
  await ok(["delete", "deployment", "fg", "--cascade=foreground", "--wait=false"]);
  // The pod's finalizer holds it; so the ReplicaSet and the Deployment wait in foreground deletion.
  await eventually(async () => {
    const pod = await ok(["get", "pod", "fg-pod", "-o", "jsonpath={.metadata.deletionTimestamp}"]);
    assert.notEqual(pod, "");
  }, 500);
  assert.equal(
    await ok(["get", "rs", "fg-rs", "-o", "jsonpath={.metadata.finalizers}"]),
    '["foregroundDeletion"]',
  );
  assert.equal(
    await ok(["get", "deploy", "fg", "-o", "jsonpath={.metadata.finalizers}"]),
    '["foregroundDeletion"]',
  );
  await ok(["patch", "pod", "fg-pod", "--type=merge", "-p", '{"metadata":{"finalizers":null}}']);
  await ok(["wait", "--for=delete", "deployment/fg", "--timeout=20s"]);
  assert.ok(!(await names("replicasets")).includes("replicaset.apps/fg-rs"));
  assert.ok(!(await names("pods")).includes("pod/fg-pod"));
});

test("orphan: the owner goes, its dependents stay without the reference", async () => {
  await ok(
    ["apply", "-f", "-"],
    `apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: or-rs}
spec:
  replicas: 0
  selector: {matchLabels: {gc-test: or-rs}}
  template:
    metadata: {labels: {gc-test: or-rs}}
    spec: {containers: [{name: c, image: nginx}]}
`,
  );
  const rs = await uid("replicaset", "or-rs");
  await ok(
    ["apply", "-f", "-"],
    `apiVersion: v1
kind: Pod
metadata:
  name: or-pod
  labels: {gc-test: unselected}
  ownerReferences: [${ref("apps/v1", "ReplicaSet", "or-rs", rs, true)}]
spec: {containers: [{name: c, image: nginx}]}
`,
  );
  await ok(["delete", "replicaset", "or-rs", "--cascade=orphan"]);
  assert.ok(!(await names("replicasets")).includes("replicaset.apps/or-rs"));
  assert.equal(await ok(["get", "pod", "or-pod", "-o", "jsonpath={.metadata.ownerReferences}"]), "");
});
