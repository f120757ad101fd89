// The namespace and ServiceAccount controllers in `skiff server`, driven by the real kubectl 1.32:
// a new namespace gets its `default` ServiceAccount; deleting a namespace whose content is held
// by a finalizer shows Terminating conditions, and it goes once the finalizer is removed.
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

test("a new namespace gets a default ServiceAccount, recreated after deletion", async () => {
  await ok(["create", "namespace", "team"]);
  await eventually(async () => {
    assert.match(await ok(["get", "serviceaccounts", "-n", "team"]), /^default\s+0\s+/m);
  }, 500);
  await ok(["delete", "serviceaccount", "default", "-n", "team"]);
  await eventually(async () => {
    assert.match(await ok(["get", "serviceaccounts", "-n", "team", "-o", "name"]), /serviceaccount\/default/);
  }, 500);
});

test("namespace deletion reports what remains, then completes", async () => {
  await ok(["create", "namespace", "held"]);
  await ok(
    ["apply", "-n", "held", "-f", "-"],
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  finalizers: [example.com/hold]\n",
  );
  await ok(["delete", "namespace", "held", "--wait=false"]);
  await eventually(async () => {
    const out = await ok([
      "get",
      "namespace",
      "held",
      "-o",
      'jsonpath={range .status.conditions[*]}{.type}={.status}: {.message}{"\\n"}{end}',
    ]);
    assert.match(
      out,
      /NamespaceContentRemaining=True: Some resources are remaining: configmaps\. has 1 resource instances/,
    );
    assert.match(
      out,
      /NamespaceFinalizersRemaining=True: Some content in the namespace has finalizers remaining: example\.com\/hold in 1 resource instances/,
    );
    assert.match(out, /NamespaceDeletionDiscoveryFailure=False/);
  }, 500);
  assert.match(await ok(["get", "namespace", "held"]), /held\s+Terminating/);
  await ok([
    "patch",
    "configmap",
    "keep",
    "-n",
    "held",
    "--type=merge",
    "-p",
    '{"metadata":{"finalizers":null}}',
  ]);
  await ok(["wait", "--for=delete", "namespace/held", "--timeout=30s"]);
});
