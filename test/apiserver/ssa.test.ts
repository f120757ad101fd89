// Server-side apply, managedFields and PATCH field validation with real kubectl 1.32 against
// `skiff server --disable-agent`; Strict PATCH (kubectl patch never sends fieldValidation) over raw HTTPS.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parse } from "yaml";
import { SkiffServer } from "../support/skiff-server.ts";

// The API server alone: what it stores and answers, with no controller acting on it.
const server = new SkiffServer({ apiOnly: true });
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

async function fails(...args: string[]): Promise<string> {
  const r = await server.kubectl(args);
  assert.notEqual(r.code, 0, `kubectl ${args.join(" ")} should fail\n${r.stdout}`);
  return r.stderr;
}

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  subresource?: string;
  time?: string;
  fieldsV1: Record<string, unknown>;
}

interface Obj {
  metadata: { resourceVersion: string; generation?: number; managedFields?: Entry[] };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

async function getJson(kind: string, name: string): Promise<Obj> {
  return JSON.parse(await ok("get", kind, name, "-o", "json", "--show-managed-fields")) as Obj;
}

function managers(obj: Obj): string[] {
  return (obj.metadata.managedFields ?? []).map(
    (e) => `${e.manager}/${e.operation}${e.subresource ? `/${e.subresource}` : ""}`,
  );
}

const deployment = (image: string, replicas?: number, extra = "") => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
${replicas === undefined ? "" : `  replicas: ${replicas}\n`}  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
${extra}`;

test("apply --server-side creates, shows managedFields only on request, and re-applies", async () => {
  assert.match(
    await ok("apply", "--server-side", "-f", file("d1.yaml", deployment("nginx:1.27", 2))),
    /deployment.apps\/web serverside-applied/,
  );
  const created = await getJson("deploy", "web");
  assert.equal(created.metadata.generation, 1);
  assert.deepEqual(managers(created), ["kubectl/Apply"]);
  const entry = created.metadata.managedFields?.[0];
  assert.equal(entry?.apiVersion, "apps/v1");
  assert.deepEqual(entry?.fieldsV1, {
    "f:metadata": { "f:labels": { "f:app": {} } },
    "f:spec": {
      "f:replicas": {},
      "f:selector": {},
      "f:template": {
        "f:metadata": { "f:labels": { "f:app": {} } },
        "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:image": {}, "f:name": {} } } },
      },
    },
  });
  // Defaulting ran on the created object; managedFields stay hidden unless asked for.
  const plain = await ok("get", "deploy", "web", "-o", "yaml");
  assert.match(plain, /imagePullPolicy: IfNotPresent/);
  assert.doesNotMatch(plain, /managedFields/);
  assert.match(
    await ok("get", "deploy", "web", "-o", "yaml", "--show-managed-fields"),
    /manager: kubectl\n\s+operation: Apply/,
  );

  // Unchanged: nothing is written.
  await ok("apply", "--server-side", "-f", file("d1.yaml", deployment("nginx:1.27", 2)));
  assert.equal((await getJson("deploy", "web")).metadata.resourceVersion, created.metadata.resourceVersion);

  // Changed: new spec, new generation.
  await ok("apply", "--server-side", "-f", file("d2.yaml", deployment("nginx:1.28", 2)));
  const changed = await getJson("deploy", "web");
  assert.equal(changed.metadata.generation, 2);
  assert.notEqual(changed.metadata.resourceVersion, created.metadata.resourceVersion);
  assert.match(
    await ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"),
    /^nginx:1\.28$/,
  );
});

test("kubectl scale takes replicas; apply then conflicts until forced", async () => {
  await ok("scale", "deploy", "web", "--replicas=4");
  const scaled = await getJson("deploy", "web");
  const scaleEntry = scaled.metadata.managedFields?.find((e) => e.subresource === "scale");
  assert.ok(scaleEntry, JSON.stringify(scaled.metadata.managedFields));
  assert.equal(scaleEntry.operation, "Update");
  assert.equal(scaleEntry.apiVersion, "apps/v1");
  assert.deepEqual(scaleEntry.fieldsV1, { "f:spec": { "f:replicas": {} } });

  const stderr = await fails("apply", "--server-side", "-f", file("d2.yaml", deployment("nginx:1.28", 2)));
  assert.match(
    stderr,
    /^error: Apply failed with 1 conflict: conflict with "kubectl[^"]*" with subresource "scale" using apps\/v1: \.spec\.replicas\nPlease review the fields above--they currently have other managers/m,
  );
  assert.match(await ok("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"), /^4$/);

  await ok("apply", "--server-side", "--force-conflicts", "-f", file("d2.yaml", deployment("nginx:1.28", 2)));
  const forced = await getJson("deploy", "web");
  assert.equal(forced.spec?.replicas, 2);
  // The scaler owned nothing else, so its entry is gone.
  assert.deepEqual(managers(forced), ["kubectl/Apply"]);
});

test("a field dropped from the applied manifest is removed; --dry-run=server changes nothing", async () => {
  const withEnv = deployment("nginx:1.28", 2).replace(
    "        image: nginx:1.28\n",
    "        image: nginx:1.28\n        env:\n        - {name: MODE, value: fast}\n",
  );
  await ok("apply", "--server-side", "-f", file("d3.yaml", withEnv));
  assert.match(
    await ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].env[0].value}"),
    /^fast$/,
  );
  await ok("apply", "--server-side", "-f", file("d4.yaml", deployment("nginx:1.28", 2)));
  // The entry goes; the emptied list stays as [] (Kubernetes' typed encoding would omit it).
  assert.match(
    await ok("get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].env}"),
    /^(\[\])?$/,
  );

  const before = await getJson("deploy", "web");
  assert.match(
    await ok("apply", "--server-side", "--dry-run=server", "-f", file("d5.yaml", deployment("nginx:9", 2))),
    /deployment.apps\/web serverside-applied \(server dry run\)/,
  );
  const after = await getJson("deploy", "web");
  assert.equal(after.metadata.resourceVersion, before.metadata.resourceVersion);
  assert.match(
    await ok(
      "apply",
      "--server-side",
      "--dry-run=server",
      "-f",
      file("d6.yaml", deployment("nginx:9").replaceAll("web", "ghost")),
    ),
    /deployment.apps\/ghost serverside-applied \(server dry run\)/,
  );
  const missing = await server.kubectl(["get", "deploy", "ghost"]);
  assert.match(missing.stderr, /NotFound/);
});

const configMap = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n${data}`;

test("client-side apply records kubectl-client-side-apply; server-side apply conflicts with it", async () => {
  await ok("apply", "-f", file("c1.yaml", configMap("  a: '1'\n  b: '2'\n")));
  const created = await getJson("cm", "cfg");
  assert.deepEqual(managers(created), ["kubectl-client-side-apply/Update"]);
  assert.deepEqual(created.metadata.managedFields?.[0]?.fieldsV1, {
    "f:data": { "f:a": {}, "f:b": {} },
    "f:metadata": { "f:annotations": { "f:kubectl.kubernetes.io/last-applied-configuration": {} } },
  });
  const stderr = await fails(
    "apply",
    "--server-side",
    "--field-manager=ops",
    "-f",
    file("c2.yaml", configMap("  a: '9'\n")),
  );
  assert.match(
    stderr,
    /error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: \.data\.a/,
  );
  // Same value: co-ownership, no conflict (kubectl then moves the client-side-apply fields to "ops").
  await ok("apply", "--server-side", "--field-manager=ops", "-f", file("c3.yaml", configMap("  a: '1'\n")));
  const shared = await getJson("cm", "cfg");
  assert.equal(shared.data?.a, "1");
  assert.ok(managers(shared).includes("ops/Apply"), managers(shared).join());

  // Ordinary writes take the fields they change: kubectl patch → kubectl-patch.
  await ok("patch", "cm", "cfg", "--type=merge", "-p", '{"data":{"p":"3"}}');
  const patched = await getJson("cm", "cfg");
  const patchEntry = patched.metadata.managedFields?.find((e) => e.manager === "kubectl-patch");
  assert.deepEqual(patchEntry?.fieldsV1, { "f:data": { "f:p": {} } });
  assert.equal(patchEntry?.operation, "Update");
});

test("unknown fields in a server-side apply are refused like structured-merge-diff does", async () => {
  const stderr = await fails(
    "apply",
    "--server-side",
    "-f",
    file("bad.yaml", `${configMap("  a: '1'\n").replace("cfg", "bad")}bogus: 1\n`),
  );
  assert.match(
    stderr,
    /Error from server: failed to create typed patch object \(default\/bad; v1, Kind=ConfigMap\): \.bogus: field not declared in schema/,
  );
});

/** A raw HTTPS request with the admin credentials of the server's kubeconfig. */
async function raw(
  method: string,
  path: string,
  body: string,
  contentType: string,
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}> {
  const config = parse(readFileSync(server.kubeconfig, "utf8")) as {
    clusters: { cluster: { "certificate-authority-data": string } }[];
    users: { user: { "client-certificate-data": string; "client-key-data": string } }[];
  };
  const b64 = (s: string | undefined) => Buffer.from(s ?? "", "base64");
  const url = new URL(path, server.url);
  return await new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: b64(config.clusters[0]?.cluster["certificate-authority-data"]),
        cert: b64(config.users[0]?.user["client-certificate-data"]),
        key: b64(config.users[0]?.user["client-key-data"]),
        headers: { "Content-Type": contentType, Accept: "application/json", "User-Agent": "raw-test/1.0" },
      },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => {
          text += d.toString();
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            json: JSON.parse(text) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("PATCH fieldValidation: Strict refuses unknown fields (422 on patch), Warn warns and drops them", async () => {
  const path = "/apis/apps/v1/namespaces/default/deployments/web";
  const merge = "application/merge-patch+json";
  const strict = await raw("PATCH", `${path}?fieldValidation=Strict`, '{"spec":{"bogus":1}}', merge);
  assert.equal(strict.status, 422);
  assert.equal(strict.json.reason, "Invalid");
  const causes = (strict.json.details as { causes: { field: string; message: string }[] }).causes;
  assert.equal(causes[0]?.field, "patch");
  assert.match(
    causes[0]?.message ?? "",
    /^Invalid value: ".*": strict decoding error: unknown field "spec\.bogus"$/s,
  );

  const smp = await raw(
    "PATCH",
    `${path}?fieldValidation=Strict`,
    '{"spec":{"template":{"spec":{"containers":[{"name":"web","imagePullPolcy":"Always"}]}}}}',
    "application/strategic-merge-patch+json",
  );
  assert.equal(smp.status, 422);
  assert.match(
    String(smp.json.message),
    /patch: Invalid value: "map\[spec:map\[template:map\[spec:map\[containers:\[map\[imagePullPolcy:Always name:web\]\]\]\]\]\]": strict decoding error: unknown field "spec\.template\.spec\.containers\[0\]\.imagePullPolcy"/,
  );

  const invalidDirective = await raw("PATCH", `${path}?fieldValidation=Loud`, "{}", merge);
  assert.equal(invalidDirective.status, 422);
  assert.match(String(invalidDirective.json.message), /PatchOptions.*fieldValidation/);

  // kubectl patch sends no fieldValidation: Warn. The field is not stored.
  const warned = await server.kubectl([
    "patch",
    "deploy",
    "web",
    "--type=merge",
    "-p",
    '{"spec":{"bogus":1,"minReadySeconds":5}}',
  ]);
  assert.equal(warned.code, 0, warned.stderr);
  assert.match(warned.stderr, /Warning: unknown field "spec\.bogus"/);
  const stored = await getJson("deploy", "web");
  assert.equal(stored.spec?.minReadySeconds, 5);
  assert.equal(stored.spec?.bogus, undefined);
  assert.deepEqual(stored.metadata.managedFields?.find((e) => e.manager === "kubectl-patch")?.fieldsV1, {
    "f:spec": { "f:minReadySeconds": {} },
  });
});

test("managers come from fieldManager or the User-Agent; apply requires fieldManager", async () => {
  const path = "/api/v1/namespaces/default/configmaps/cfg";
  const r = await raw("PATCH", path, '{"data":{"ua":"x"}}', "application/merge-patch+json");
  assert.equal(r.status, 200);
  const entries = (r.json.metadata as { managedFields: Entry[] }).managedFields;
  assert.deepEqual(entries.find((e) => e.manager === "raw-test")?.fieldsV1, { "f:data": { "f:ua": {} } });

  const noManager = await raw(
    "PATCH",
    path,
    '{"apiVersion":"v1","kind":"ConfigMap"}',
    "application/apply-patch+yaml",
  );
  assert.equal(noManager.status, 422);
  assert.match(String(noManager.json.message), /fieldManager: Required value: is required for apply patch/);

  // Apply to a missing name creates it (201).
  const created = await raw(
    "PATCH",
    "/api/v1/namespaces/default/configmaps/fresh?fieldManager=raw",
    "apiVersion: v1\nkind: ConfigMap\ndata: {k: v}\n",
    "application/apply-patch+yaml",
  );
  assert.equal(created.status, 201);
  assert.equal((created.json.metadata as { name: string }).name, "fresh");

  const wrongName = await raw(
    "PATCH",
    "/api/v1/namespaces/default/configmaps/fresh?fieldManager=raw",
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n",
    "application/apply-patch+yaml",
  );
  assert.equal(wrongName.status, 400);
});
