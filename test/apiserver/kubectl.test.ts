// Real kubectl 1.32 against `skiff server --disable-agent`: discovery, create/get in every
// output format, apply, edit, patch, label/annotate, scale, delete, dry run and error messages.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { SkiffServer } from "../support/skiff-server.ts";

const server = new SkiffServer();
before(async () => {
  await server.start();
});
after(async () => {
  assert.equal(await server.stop(), 0, "server exits cleanly on SIGTERM");
});

function file(name: string, text: string): string {
  const path = join(server.dir.path, name);
  writeFileSync(path, text);
  return path;
}

async function ok(...args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}\n${r.stderr}`);
  return r.stdout;
}

const manifests = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels: {app: web, tier: front}
data:
  mode: fast
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
`;

test("discovery: api-versions and api-resources", async () => {
  const versions = await ok("api-versions");
  for (const gv of ["v1", "apps/v1", "batch/v1"]) assert.match(versions, new RegExp(`^${gv}$`, "m"));
  const resources = await ok("api-resources");
  assert.match(resources, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(resources, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
  const version = await ok("version");
  assert.match(version, /Server Version: v1\.32\./);
});

test("create -f and get in every output format", async () => {
  const created = await ok("create", "-f", file("app.yaml", manifests));
  assert.match(created, /configmap\/settings created/);
  assert.match(created, /deployment.apps\/web created/);
  assert.match(created, /service\/web created/);
  assert.match(await ok("get", "deploy"), /^web\s+0\/2\s+0\s+0\s+\S+$/m);
  const wide = await ok("get", "svc", "web", "-o", "wide");
  assert.match(wide, /^web\s+NodePort\s+10\.43\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\S+\s+app=web$/m);
  const yaml = await ok("get", "cm", "settings", "-o", "yaml");
  assert.match(yaml, /^ {2}mode: fast$/m);
  assert.match(yaml, /^ {2}uid: [0-9a-f-]{36}$/m);
  const json = JSON.parse(await ok("get", "cm", "-o", "json"));
  assert.equal(json.kind, "List");
  assert.ok(json.items.some((i: { metadata: { name: string } }) => i.metadata.name === "settings"));
  assert.equal(await ok("get", "cm", "settings", "-o", "jsonpath={.data.mode}"), "fast");
  const columns = await ok(
    "get",
    "cm",
    "-o",
    "custom-columns=N:.metadata.name,M:.data.mode",
    "--no-headers",
    "-l",
    "app=web",
  );
  assert.equal(columns.trim().replace(/\s+/g, " "), "settings fast");
  assert.match(await ok("get", "cm", "--show-labels"), /settings\s+(\d+\s+)?\S+\s+app=web,tier=front/);
  const all = await ok("get", "svc", "-A");
  assert.match(all, /^default\s+kubernetes\s+ClusterIP\s+10\.43\.0\.1\s/m);
  assert.match(
    await ok("get", "ns", "--field-selector", "metadata.name=kube-system"),
    /^kube-system\s+Active/m,
  );
  assert.doesNotMatch(await ok("get", "cm", "-l", "tier!=front"), /settings/);
  const sorted = await ok("get", "ns", "--sort-by", ".metadata.name", "-o", "name");
  assert.deepEqual(sorted.trim().split("\n"), [
    "namespace/default",
    "namespace/kube-node-lease",
    "namespace/kube-public",
    "namespace/kube-system",
  ]);
});

test("apply creates, then patches a changed manifest", async () => {
  const path = file(
    "applied.yaml",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: one\n",
  );
  assert.match(await ok("apply", "-f", path), /configmap\/applied created/);
  assert.match(await ok("apply", "-f", path), /configmap\/applied unchanged/);
  file("applied.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n  k: two\n");
  assert.match(await ok("apply", "-f", path), /configmap\/applied configured/);
  assert.equal(await ok("get", "cm", "applied", "-o", "jsonpath={.data.k}"), "two");
});

test("patch (strategic, merge, json), label, annotate, scale", async () => {
  await ok("patch", "cm", "settings", "-p", '{"data":{"extra":"1"}}');
  await ok("patch", "cm", "settings", "--type", "merge", "-p", '{"data":{"mode":null}}');
  await ok("patch", "cm", "settings", "--type", "json", "-p", '[{"op":"add","path":"/data/j","value":"2"}]');
  assert.equal(await ok("get", "cm", "settings", "-o", "jsonpath={.data}"), '{"extra":"1","j":"2"}');
  await ok("label", "cm", "settings", "stage=test");
  await ok("annotate", "cm", "settings", "note=hello");
  assert.equal(
    await ok("get", "cm", "settings", "-o", "jsonpath={.metadata.labels.stage}/{.metadata.annotations.note}"),
    "test/hello",
  );
  assert.match(await ok("scale", "deploy", "web", "--replicas=4"), /deployment.apps\/web scaled/);
  assert.equal(
    await ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}/{.metadata.generation}"),
    "4/2",
  );
  const invalid = await server.kubectl([
    "patch",
    "deploy",
    "web",
    "--type",
    "merge",
    "-p",
    '{"spec":{"replicas":-1}}',
  ]);
  assert.notEqual(invalid.code, 0);
  assert.match(invalid.stderr, /is invalid: spec.replicas/);
});

test("edit with an EDITOR script", async () => {
  const editor = file("editor.sh", '#!/bin/sh\nsed -i \'s/extra: "1"/extra: edited/\' "$1"\n');
  const r = await server.kubectl(["edit", "cm", "settings"], {
    env: { EDITOR: `sh ${editor}`, KUBE_EDITOR: `sh ${editor}` },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /configmap\/settings edited/);
  assert.equal(await ok("get", "cm", "settings", "-o", "jsonpath={.data.extra}"), "edited");
});

test("describe", async () => {
  const out = await ok("describe", "cm", "settings");
  assert.match(out, /^Name:\s+settings$/m);
  assert.match(out, /^Labels:\s+app=web$/m);
});

test("dry-run=server writes nothing", async () => {
  const path = file("dry.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dry\n");
  assert.match(
    await ok("create", "-f", path, "--dry-run=server"),
    /configmap\/dry created \(server dry run\)/,
  );
  const r = await server.kubectl(["get", "cm", "dry"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Error from server \(NotFound\): configmaps "dry" not found/);
});

test("error cases print kubectl's usual messages", async () => {
  const dup = await server.kubectl([
    "create",
    "-f",
    file("dup.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"),
  ]);
  assert.match(
    dup.stderr,
    /Error from server \(AlreadyExists\): error when creating ".*dup.yaml": configmaps "settings" already exists/,
  );
  const invalid = await server.kubectl([
    "create",
    "-f",
    file("invalid.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Invalid_Name\n"),
  ]);
  assert.match(invalid.stderr, /The ConfigMap "Invalid_Name" is invalid/);
  const unknown = await server.kubectl([
    "create",
    "-f",
    file("unknown.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u\ndatta: {}\n"),
  ]);
  assert.match(unknown.stderr, /unknown field "datta"/);
  const noType = await server.kubectl(["get", "foos"]);
  assert.match(noType.stderr, /the server doesn't have a resource type "foos"/);
  const noNs = await server.kubectl(["get", "cm", "-n", "nowhere", "x"]);
  // kubectl itself looks the namespace up after a 404 and reports that instead.
  assert.match(noNs.stderr, /Error from server \(NotFound\): namespaces "nowhere" not found/);
});

test("get -w prints changes as they happen", async () => {
  const watch = server.kubectl(["get", "cm", "-w", "--request-timeout=3s"]);
  await new Promise((r) => setTimeout(r, 1000));
  await ok(
    "create",
    "-f",
    file("watched.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\n"),
  );
  const r = await watch;
  assert.match(r.stdout, /^watched\s+(\d+\s+)?\S+$/m);
});

test("delete waits for the object to go", async () => {
  assert.match(await ok("delete", "-f", join(server.dir.path, "app.yaml")), /deployment.apps "web" deleted/);
  const r = await server.kubectl(["get", "deploy", "web"]);
  assert.match(r.stderr, /deployments.apps "web" not found/);
  assert.ok(server.alive);
});
