// CustomResourceDefinitions driven by real kubectl 1.32 against `skiff server`: the CronTab CRD
// becomes served API (discovery, OpenAPI/explain, tables), custom resources validate, prune,
// default, have status and scale subresources, watch, patch, RBAC, and deleting the CRD deletes
// them. Runs on SQLite, or on etcd with SKIFF_TEST_DATASTORE=etcd.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Kubectl } from "../support/kubectl.ts";
import { SkiffServer } from "../support/skiff-server.ts";
import { clusterCrd, cronTab, cronTabCrd, gatewayCrd } from "./fixtures.ts";

describe("CRDs with kubectl 1.32", () => {
  const server = new SkiffServer({ apiOnly: true });
  const k = () => server.client("1.32");
  const ok = (...args: string[]) => k().ok(...args);
  const run = (args: string[], input?: string) => k().run(args, input === undefined ? {} : { input });

  before(async () => {
    await server.start();
    await k().ok("create", "namespace", "other");
  });
  after(async () => {
    await server.stop();
  });

  it("a created CRD is established at once and listed by api-resources and api-versions", async () => {
    const applied = await run(["apply", "-f", "-"], cronTabCrd);
    assert.equal(applied.code, 0, applied.stderr);
    await ok("wait", "--for=condition=Established", "--timeout=10s", "crd/crontabs.stable.example.com");
    const resources = await ok("api-resources", "--api-group=stable.example.com");
    assert.match(resources, /^crontabs\s+ct\s+stable\.example\.com\/v1\s+true\s+CronTab$/m);
    const versions = await ok("api-versions");
    assert.match(versions, /^stable\.example\.com\/v1$/m);
    assert.match(versions, /^stable\.example\.com\/v1beta1$/m);
    const status = JSON.parse(await ok("get", "crd", "crontabs.stable.example.com", "-o", "json"));
    assert.deepEqual(status.metadata.finalizers, ["customresourcecleanup.apiextensions.k8s.io"]);
    assert.deepEqual(status.status.storedVersions, ["v1"]);
    assert.equal(status.status.acceptedNames.kind, "CronTab");
    const crds = await ok("get", "crd");
    assert.match(crds, /^NAME\s+CREATED AT$/m);
  });

  it("creates custom resources with defaults and prints the CRD's columns", async () => {
    const created = await run(["apply", "-f", "-"], cronTab("my-new-cron-object"));
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /crontab.stable.example.com\/my-new-cron-object created/);
    const table = await ok("get", "crontabs");
    assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+AGE$/m);
    assert.match(table, /^my-new-cron-object\s+\* \* \* \* \*\/5\s+1\s+\d+s$/m);
    const wide = await ok("get", "ct", "-o", "wide");
    assert.match(wide, /^NAME\s+SPEC\s+REPLICAS\s+IMAGE\s+AGE$/m);
    assert.match(wide, /my-awesome-cron-image/);
    const obj = JSON.parse(await ok("get", "crontab", "my-new-cron-object", "-o", "json"));
    assert.equal(obj.spec.replicas, 1, "default applied");
    assert.equal(obj.metadata.generation, 1);
    const yaml = await ok("get", "crontab", "my-new-cron-object", "-o", "yaml");
    assert.match(yaml, /^apiVersion: stable\.example\.com\/v1$/m);
    const all = await ok("get", "all");
    assert.match(all, /crontab\.stable\.example\.com\/my-new-cron-object/, "category all");
    const describeOut = await ok("describe", "ct", "my-new-cron-object");
    assert.match(describeOut, /Cron Spec:\s+\* \* \* \* \*\/5/);
  });

  it("explain shows the schema", async () => {
    const out = await ok("explain", "crontab.spec");
    assert.match(out, /KIND:\s+CronTab/);
    assert.match(out, /cronSpec\s+<string> -required-/);
    assert.match(out, /replicas\s+<integer>/);
  });

  it("invalid objects are a 422 with field paths; unknown fields are refused under Strict, pruned otherwise", async () => {
    const bad = cronTab("bad", 'cronSpec: "nope"\n  replicas: 20\n  policy: Maybe');
    const invalid = await run(["create", "-f", "-"], bad);
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr, /The CronTab "bad" is invalid: /);
    assert.match(
      invalid.stderr,
      /spec\.cronSpec: Invalid value: "nope": spec\.cronSpec in body should match/,
    );
    assert.match(
      invalid.stderr,
      /spec\.replicas: Invalid value: 20: spec\.replicas in body should be less than or equal to 10/,
    );
    assert.match(
      invalid.stderr,
      /spec\.policy: Unsupported value: "Maybe": supported values: "Allow", "Forbid"/,
    );
    const missing = await run(["create", "-f", "-"], cronTab("missing", "image: x"));
    assert.match(missing.stderr, /spec\.cronSpec: Required value/);
    const wrongType = await run(
      ["create", "-f", "-"],
      cronTab("wrong", 'cronSpec: "* * * * *"\n  replicas: "three"'),
    );
    assert.match(
      wrongType.stderr,
      /spec\.replicas: Invalid value: "string": spec\.replicas in body must be of type integer: "string"/,
    );

    const unknown = cronTab("unknown", 'cronSpec: "* * * * *"\n  foo: bar');
    const strict = await run(["create", "-f", "-"], unknown);
    assert.notEqual(strict.code, 0);
    assert.match(
      strict.stderr,
      /Error from server \(BadRequest\): error when creating "STDIN": CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec\.foo"/,
    );
    const warn = await run(["create", "-f", "-", "--validate=warn"], unknown);
    assert.equal(warn.code, 0, warn.stderr);
    assert.match(warn.stderr, /Warning: unknown field "spec\.foo"/);
    const stored = JSON.parse(await ok("get", "ct", "unknown", "-o", "json"));
    assert.equal(stored.spec.foo, undefined, "pruned");
    // The same rules for patches: apply of an existing object (a merge patch) and server-side apply.
    const patched = await run(["apply", "-f", "-"], unknown);
    assert.notEqual(patched.code, 0);
    assert.match(patched.stderr, /strict decoding error: unknown field "spec\.foo"/);
    const ssa = await run(["apply", "--server-side", "-f", "-"], unknown);
    assert.notEqual(ssa.code, 0);
    assert.match(ssa.stderr, /\.spec\.foo: field not declared in schema/);
  });

  it("status subresource: status ignored on the main resource, spec ignored on /status; generation on spec changes", async () => {
    await ok("patch", "ct", "my-new-cron-object", "--type=merge", "-p", '{"status":{"replicas":7}}');
    let obj = JSON.parse(await ok("get", "ct", "my-new-cron-object", "-o", "json"));
    assert.equal(obj.status, undefined);
    assert.equal(obj.metadata.generation, 1, "no spec change");
    await ok(
      "patch",
      "ct",
      "my-new-cron-object",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"replicas":2,"labelSelector":"app=cron"},"spec":{"image":"ignored"}}',
    );
    obj = JSON.parse(await ok("get", "ct", "my-new-cron-object", "-o", "json"));
    assert.deepEqual(obj.status, { replicas: 2, labelSelector: "app=cron" });
    assert.equal(obj.spec.image, "my-awesome-cron-image");
    assert.equal(obj.metadata.generation, 1);
    await ok(
      "patch",
      "ct",
      "my-new-cron-object",
      "--type=json",
      "-p",
      '[{"op":"replace","path":"/spec/image","value":"v2"}]',
    );
    obj = JSON.parse(await ok("get", "ct", "my-new-cron-object", "-o", "json"));
    assert.equal(obj.metadata.generation, 2);
  });

  it("scale subresource: kubectl scale and the Scale view", async () => {
    const out = await ok("scale", "crontab", "my-new-cron-object", "--replicas=3");
    assert.match(out, /crontab.stable.example.com\/my-new-cron-object scaled/);
    const scale = JSON.parse(
      await ok(
        "get",
        "--raw",
        "/apis/stable.example.com/v1/namespaces/default/crontabs/my-new-cron-object/scale",
      ),
    );
    assert.deepEqual(scale.spec, { replicas: 3 });
    assert.deepEqual(scale.status, { replicas: 2, selector: "app=cron" });
    const tooMany = await run(["scale", "crontab", "my-new-cron-object", "--replicas=11"]);
    assert.notEqual(tooMany.code, 0);
    assert.match(tooMany.stderr, /spec\.replicas in body should be less than or equal to 10/);
  });

  it("patch: merge and json work, strategic merge is refused as for every custom resource", async () => {
    const strategic = await run(["patch", "ct", "my-new-cron-object", "-p", '{"spec":{"image":"x"}}']);
    assert.notEqual(strategic.code, 0);
    assert.match(
      strategic.stderr,
      /the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/,
    );
    await ok("patch", "ct", "my-new-cron-object", "--type=merge", "-p", '{"spec":{"image":"merged"}}');
  });

  it("edit goes through a merge patch", async () => {
    const r = await k().run(["edit", "ct", "my-new-cron-object"], {
      env: { KUBE_EDITOR: "sed -i s/image:\\ merged/image:\\ edited/" },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /edited/);
    const obj = JSON.parse(await ok("get", "ct", "my-new-cron-object", "-o", "json"));
    assert.equal(obj.spec.image, "edited");
  });

  it("server-side apply, another served version, and get -w", async () => {
    const watch = k().start(["get", "ct", "-w"]);
    try {
      await watch.waitFor(/my-new-cron-object/);
      const applied = await run(
        ["apply", "--server-side", "-f", "-"],
        cronTab("ssa", 'cronSpec: "0 * * * *"'),
      );
      assert.equal(applied.code, 0, applied.stderr);
      await watch.waitFor(/^ssa\s+0 \* \* \* \*\s+1/m);
    } finally {
      await watch.stop();
    }
    const beta = JSON.parse(await ok("get", "crontabs.v1beta1.stable.example.com", "ssa", "-o", "json"));
    assert.equal(beta.apiVersion, "stable.example.com/v1beta1");
    assert.equal(beta.spec.cronSpec, "0 * * * *");
  });

  it("RBAC rules name the CRD's group", async () => {
    await ok("create", "role", "crontab-reader", "--verb=get,list", "--resource=crontabs.stable.example.com");
    await ok("create", "rolebinding", "jane-reads", "--role=crontab-reader", "--user=jane");
    assert.equal(
      (await ok("auth", "can-i", "list", "crontabs.stable.example.com", "--as=jane")).trim(),
      "yes",
    );
    const listed = await ok("get", "ct", "--as=jane");
    assert.match(listed, /my-new-cron-object/);
    const refused = await run(["get", "ct", "-n", "other", "--as=jane"]);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /crontabs\.stable\.example\.com is forbidden: User "jane" cannot list resource "crontabs" in API group "stable\.example\.com" in the namespace "other"/,
    );
  });

  it("cluster-scoped CRDs with int-or-string and preserved unknown fields", async () => {
    await k().run(["apply", "-f", "-"], { input: clusterCrd });
    await ok("wait", "--for=condition=Established", "--timeout=10s", "crd/backends.infra.example.org");
    const created = await run(
      ["apply", "-f", "-"],
      "apiVersion: infra.example.org/v1alpha1\nkind: Backend\nmetadata:\n  name: b1\nspec:\n  port: http\n  extra: {a: 1}\n",
    );
    assert.equal(created.code, 0, created.stderr);
    const obj = JSON.parse(await ok("get", "backend", "b1", "-o", "json"));
    assert.deepEqual(obj.spec, { port: "http", extra: { a: 1 } });
    assert.equal(obj.metadata.namespace, undefined);
    const bad = await run(
      ["apply", "-f", "-"],
      "apiVersion: infra.example.org/v1alpha1\nkind: Backend\nmetadata:\n  name: b2\nspec:\n  port: 1.5\n",
    );
    assert.match(bad.stderr, /spec\.port in body must be of type integer,string: "number"/);
  });

  it("server-side apply merges x-kubernetes-list-type map items of two managers by key", async () => {
    await run(["apply", "-f", "-"], gatewayCrd);
    await ok("wait", "--for=condition=Established", "--timeout=10s", "crd/gateways.net.example.com");
    const gateway = (port: number, name: string) =>
      `apiVersion: net.example.com/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  listeners: [{port: ${port}, name: ${name}}]\n`;
    for (const [manager, port, name] of [
      ["a", 80, "http"],
      ["b", 443, "https"],
    ] as const) {
      const r = await run(
        ["apply", "--server-side", `--field-manager=${manager}`, "-f", "-"],
        gateway(port, name),
      );
      assert.equal(r.code, 0, r.stderr);
    }
    const listeners = JSON.parse(await ok("get", "gateway", "g", "-o", "jsonpath={.spec.listeners}"));
    assert.deepEqual(listeners, [
      { name: "http", port: 80 },
      { name: "https", port: 443 },
    ]);
  });

  it("deleting the CRD deletes its objects and the endpoints", async () => {
    await ok("delete", "crd", "crontabs.stable.example.com", "--timeout=30s");
    const gone = await run(["get", "crd", "crontabs.stable.example.com"]);
    assert.match(gone.stderr, /NotFound/);
    const fresh = new Kubectl({
      version: "1.32",
      kubeconfig: server.kubeconfig,
      cacheDir: join(server.dir.path, "cache-after-delete"),
    });
    const list = await fresh.run(["get", "crontabs"]);
    assert.notEqual(list.code, 0);
    assert.match(list.stderr, /the server doesn't have a resource type "crontabs"/);
    // Re-creating the CRD shows no leftover objects.
    await run(["apply", "-f", "-"], cronTabCrd);
    await ok("wait", "--for=condition=Established", "--timeout=10s", "crd/crontabs.stable.example.com");
    const again = await fresh.run(["get", "crontabs", "-A"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /No resources found/);
  });
});
